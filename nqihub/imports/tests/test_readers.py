"""Reading files: formats, encodings, numbers from Excel, limits and broken files (no database needed)."""

import io
import zipfile

import pytest

from nqihub.imports.readers import FileError, cell_text, detect_encoding, read_table

from .conftest import HEADERS, csv_bytes, sample_rows, xlsx_bytes


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (450321, "450321"),
        (450321.0, "450321"),
        (13877310001.0, "13877310001"),
        (1.5, "1.5"),
        (None, ""),
        ("  x ", "  x "),
    ],
)
def test_cell_text_turns_excel_numbers_into_their_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("encoding", "label"), [("gb18030", "GB18030"), ("utf-8-sig", "UTF-8 (BOM)"), ("utf-8", "UTF-8")]
)
def test_csv_encoding_is_detected(encoding, label):
    table = read_table(csv_bytes(sample_rows(), encoding=encoding), "x.csv")
    assert (table.format, table.encoding) == ("csv", label)
    assert table.headers == HEADERS
    assert [n for n, _cells in table.rows] == [2, 3, 4, 5, 6]  # header is row 1; blank trailing rows dropped
    assert table.rows[0][1][0] == "桂林漓江食品有限公司"


def test_gb18030_is_not_mistaken_for_utf8():
    data = "企业名称\n阳朔".encode("gb18030")
    assert detect_encoding(data)[1] == "GB18030"


def test_undecodable_csv_is_refused_clearly():
    with pytest.raises(FileError, match="编码"):
        read_table(b"name\n\x80\x80\xff\xfe\x81", "x.csv")


def test_xlsx_blank_rows_are_skipped_and_numbers_become_text():
    rows = [["甲公司", "X", 450321, 1311.0, "", "", 13877310001]]
    table = read_table(xlsx_bytes(rows), "x.xlsx")
    assert table.format == "xlsx"
    assert table.rows == [(2, ["甲公司", "X", "450321", "1311", "", "", "13877310001"])]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"this is not a workbook", "data.xlsx", "不是 Excel 工作簿"),
        (b"PK\x03\x04" + b"\x00" * 40, "data.xlsx", "已损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ".xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.csv", "无法识别的文件"),
        (b"", "empty.csv", "文件为空"),
        (b"\n\n,,\n", "blank.csv", "表头"),
    ],
)
def test_broken_files_give_a_clear_error(data, name, reason):
    with pytest.raises(FileError, match=reason):
        read_table(data, name)


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FileError, match="不是 Excel 工作簿"):
        read_table(buffer.getvalue(), "archive.xlsx")


def test_size_and_row_limits(settings):
    data = csv_bytes(sample_rows())
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(FileError, match="超过上限"):
        read_table(data, "x.csv")
    settings.MAX_UPLOAD_BYTES = 10_000
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(FileError, match="超过 3 行"):
        read_table(data, "x.csv")
