"""Reading an uploaded table: xlsx (first sheet) or CSV in UTF-8, UTF-8 with BOM or GB18030, detected from the bytes.

The result is plain text cells with the row numbers a spreadsheet shows (the header is row 1); numbers Excel stored
as floats become their text forms (450321.0 → "450321"). Anything that is not a readable table raises
`FileError` with a message for the user — never an unexpected exception.
"""

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_ROWS = 50_000
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}
_FORMULA_START = ("=", "+", "-", "@")


class FileError(Exception):
    """The file as a whole cannot be imported; str(error) says why, for the user."""


@dataclass
class Table:
    format: str  # "xlsx" or "csv"
    encoding: str  # the detected CSV encoding; "" for xlsx
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number as shown, cells)


def max_upload_bytes() -> int:
    return int(getattr(settings, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise FileError(
            _("文件大小 %(size)s 超过上限 %(limit)s,请拆分后分批导入")
            % {"size": human_size(size), "limit": human_size(limit)}
        )


def cell_text(value) -> str:
    """The text of one cell as the user sees it: 450321.0 → '450321', None → ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def read_table(data: bytes, filename: str = "") -> Table:
    """Read the bytes of an uploaded file; the format comes from the content, the name only sharpens the message."""
    check_size(len(data))
    if not data.strip():
        raise FileError(_("文件为空"))
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise FileError(_("不支持旧版 Excel(.xls)文件,请在 Excel 中另存为 .xlsx 或 CSV 后再导入"))
    if name.endswith(XLSX_SUFFIXES):
        raise FileError(_("文件扩展名为 .xlsx,但内容不是 Excel 工作簿(文件可能已损坏或被改过扩展名)"))
    return _read_csv(data)


def _finish(fmt: str, encoding: str, raw_rows) -> Table:
    """Header on row 1; empty rows (trailing or in between) skipped; the row limit enforced while reading."""
    limit = max_rows()
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(raw_rows, start=1):
        cells = [cell_text(v) for v in raw]
        while cells and not cells[-1].strip():
            cells.pop()
        if number == 1:
            headers = [c.strip() for c in cells]
            continue
        if not cells:
            continue
        rows.append((number, cells))
        if len(rows) > limit:
            raise FileError(_("文件超过 %(limit)d 行数据的上限,请拆分后分批导入") % {"limit": limit})
    if headers is None:
        raise FileError(_("文件没有内容"))
    if not any(headers):
        raise FileError(_("第 1 行应为表头(列名),但它是空的"))
    return Table(fmt, encoding, headers, rows)


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileError(_("Excel 文件已损坏,无法打开")) from None
    if "xl/workbook.xml" not in names:
        raise FileError(_("这个压缩文件不是 Excel 工作簿(.xlsx)"))
    # A few KB that unpack to gigabytes would exhaust memory: refuse what cannot be a real upload.
    if unpacked > max(200 * 1024 * 1024, 50 * max_upload_bytes()):
        raise FileError(_("Excel 文件解压后过大,无法导入"))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken package (KeyError, XML errors, …)
        raise FileError(_("Excel 文件已损坏或格式不受支持,无法打开")) from None
    try:
        if not workbook.worksheets:
            raise FileError(_("Excel 文件没有工作表"))
        return _finish("xlsx", "", workbook.worksheets[0].iter_rows(values_only=True))
    except FileError:
        raise
    except Exception:
        raise FileError(_("Excel 文件已损坏,读取工作表时出错")) from None
    finally:
        workbook.close()


def detect_encoding(data: bytes) -> tuple[str, str]:
    """(python codec, label) of CSV bytes: a BOM decides; else strict UTF-8; else strict GB18030; else an error."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 (BOM)"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", "UTF-16"  # Excel's "Unicode text" (tab-separated)
    if b"\x00" in data[:65536]:
        raise FileError(_("无法识别的文件:既不是 Excel 工作簿(.xlsx),也不是文本格式的 CSV"))
    for codec, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec, label
    raise FileError(_("无法识别 CSV 文件的编码,请以 UTF-8 或 GB18030(GBK)编码保存后再导入"))


def _unescape(value: str) -> str:
    # The exporter writes '=… as a guard against spreadsheet formula injection; read it back as typed.
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value


def _read_csv(data: bytes) -> Table:
    codec, label = detect_encoding(data)
    text = data.decode(codec).rstrip("\x1a")  # a DOS end-of-file mark
    if codec == "utf-16":
        text = text.lstrip("\ufeff")
    if any(ch in _CONTROL for ch in text[:65536]):
        raise FileError(_("无法识别的文件:既不是 Excel 工作簿(.xlsx),也不是文本格式的 CSV"))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            for raw in reader:
                yield [_unescape(v) for v in raw]
        except csv.Error as exc:
            raise FileError(
                _("CSV 格式错误(第 %(row)d 行):%(reason)s") % {"row": reader.line_num, "reason": exc}
            ) from None

    return _finish("csv", label, rows())
