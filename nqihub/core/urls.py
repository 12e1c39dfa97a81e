from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomePage.as_view(), name="home"),
    path("about/", views.AboutPage.as_view(), name="about"),
    path("coming/<slug:slug>/", views.ComingPage.as_view(), name="coming"),
    path("accounts/login/", views.LoginPage.as_view(), name="login"),
    path("accounts/logout/", views.LogoutPage.as_view(), name="logout"),
    path("audit/", views.AuditLog.as_view(), name="audit_log"),
]
