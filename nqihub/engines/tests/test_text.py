from hypothesis import given
from hypothesis import strategies as st

from nqihub.engines.text import fold_identifier, fold_text, fold_width


def test_full_width_standard_number_folds_to_ascii():
    assert fold_text("ＧＢ／Ｔ　１９００１－２０１６") == "GB/T 19001-2016"


def test_dash_variants_and_spaces():
    assert fold_text("  GB/T 1.1—2020 ") == "GB/T 1.1-2020"
    assert fold_text("GB 2762 – 2022") == "GB 2762 - 2022"


def test_identifier_drops_spaces_and_uppercases():
    assert fold_identifier("９１４５０３００ mA5 kx1y2z") == "91450300MA5KX1Y2Z"


def test_chinese_characters_are_untouched():
    assert fold_width("桂林市（示例）") == "桂林市(示例)"
    assert fold_text("陶瓷 砖") == "陶瓷 砖"


@given(st.text())
def test_folding_is_idempotent(text):
    assert fold_text(fold_text(text)) == fold_text(text)
