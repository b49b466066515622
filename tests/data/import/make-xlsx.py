#!/usr/bin/python3
"""make-xlsx.py - writes the workbooks of this directory (run it here with
Debian's /usr/bin/python3, which has openpyxl).  The ordinary ones are
openpyxl's; those whose XML must be exactly so, and the hostile ones, are
zipped by hand."""
import datetime
import struct
import zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = ('xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"')
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'


def handmade(path, sheet, strings=None, styles=None,
             method=zipfile.ZIP_DEFLATED):
    """A workbook of one sheet "Sheet1" whose parts' XML are as given."""
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/styles" '
            'Target="styles.xml"/></Relationships>')
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {RNS}>'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', '<Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        z.writestr('xl/workbook.xml', book)
        z.writestr('xl/_rels/workbook.xml.rels', rels)
        if strings is not None:
            z.writestr('xl/sharedStrings.xml', strings)
        if styles is not None:
            z.writestr('xl/styles.xml', styles)
        z.writestr(zipfile.ZipInfo('xl/worksheets/sheet1.xml'), sheet,
                   compress_type=method)


def types():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Контакты'
    ws.append(['Имя', 'Телефон', 'ИНН', 'Сумма', 'Активен', 'Ошибка',
               'Формула'])
    ws.append(['Иванов Иван', 74951234567, 770123456789, 1234.5, True,
               '#N/A', '=SUM(B2:C2)'])
    ws.append(['ООО «Ромашка»', 79161234567, 7701234567, -0.25, False,
               '#DIV/0!', None])
    wb.save('types.xlsx')


def dates():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(['Дата', 'Время', 'Свой', 'Лотус', 'Число', 'Дни'])
    ws.append([datetime.date(2024, 3, 15),
               datetime.datetime(2024, 3, 15, 14, 30), 45366, 60, 45366,
               45366])
    ws['C2'].number_format = 'dd.mm.yyyy'
    ws['D2'].number_format = 'yyyy-mm-dd'
    ws['E2'].number_format = '0.00'
    ws['F2'].number_format = '0 "days"'
    ws.append([1, 59, 61, None, None, None])
    for c in ('A3', 'B3', 'C3'):
        ws[c].number_format = 'yyyy-mm-dd'
    wb.save('dates-1900.xlsx')
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(['Дата'])
    ws.append([datetime.date(2024, 3, 15)])
    ws.append([datetime.datetime(1904, 1, 1, 6, 0)])
    wb.save('dates-1904.xlsx')


def merged():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws['A1'] = 'Контакт'
    ws.merge_cells('A1:C1')
    ws['D1'] = 'Телефон'
    ws.merge_cells('D1:D2')
    ws.append(['Имя', 'Фамилия', 'Компания'])
    ws.append(['Иван', 'Иванов', 'ООО «Ромашка»', '+7 495 123-45-67'])
    wb.save('merged.xlsx')


def two_sheets():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = 'Компании'
    ws.append(['ООО «Ромашка»', 7701234567])
    ws = wb.create_sheet('Контакты')
    ws.append(['Иванов Иван', 'ООО «Ромашка»'])
    ws.append(['Əli Həsənov', 'Gəncə'])
    wb.save('two-sheets.xlsx')


def handmade_parts():
    strings = (f'<sst {NS} count="999999999" uniqueCount="999999999">'
               '<si><t>Имя</t></si>'
               '<si><r><rPr><b/></rPr><t xml:space="preserve">ООО </t></r>'
               '<r><t>«Ромашка»</t></r>'
               '<rPh sb="0" eb="1"><t>ロマシュカ</t></rPh></si>'
               '<si><t xml:space="preserve">  пробелы  </t></si>'
               '<si><t>\n  обрезать  \n</t></si>'
               '</sst>')
    sheet = (f'<worksheet {NS}><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s">'
             '<v>1</v></c><c r="D1"/></row>'
             '<row r="3"><c r="A3" t="inlineStr"><is><t>Иванов</t></is>'
             '</c><c r="B3"><v>7.4951234567E10</v></c>'
             '<c r="C3"><v>1.0E-3</v></c><c r="D3"><v>1.5E20</v></c>'
             '<c r="E3" t="str"><f>A3</f><v>Иванов</v></c></row>'
             '<row r="7"><c r="B7" t="s"><v>2</v></c>'
             '<c r="C7" t="s"><v>3</v></c>'
             '<c r="D7" t="s"><v>9</v></c></row>'
             '<row r="8"><c r="A8"><v></v></c></row>'
             '</sheetData></worksheet>')
    handmade('handmade.xlsx', sheet, strings)
    # Rows out of order, a merge over a row the sheet lacks, and one over
    # the whole sheet.
    sheet = (f'<worksheet {NS}><sheetData>'
             '<row r="3"><c r="C3" t="inlineStr"><is><t>c3</t></is></c></row>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>top</t></is></c>'
             '</row></sheetData><mergeCells count="2">'
             '<mergeCell ref="A1:B3"/><mergeCell ref="C3:XFD1048576"/>'
             '</mergeCells></worksheet>')
    handmade('merged-odd.xlsx', sheet)
    # A cell of 1 MiB and a byte; a cell in column 1001.
    sheet = (f'<worksheet {NS}><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>ok</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>' + 'a' * ((1 << 20) + 1)
             + '</t></is></c></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c>'
             '<c r="ALM2" t="inlineStr"><is><t>far</t></is></c></row>'
             '<row r="3"><c r="A3"><v>1</v></c></row>'
             '</sheetData></worksheet>')
    handmade('limits.xlsx', sheet)


def hostile():
    with open('types.xlsx', 'rb') as f:
        data = f.read()
    with open('truncated.xlsx', 'wb') as f:
        f.write(data[:len(data) // 2])
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + ''.join(f'<!ENTITY lol{i} "' + f'&lol{i - 1};' * 10 + '">'
                        for i in range(1, 10)).replace('&lol0;', '&lol;')
              + f']><sst {NS}><si><t>&lol9;</t></si></sst>')
    sheet = (f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="s">'
             '<v>0</v></c></row></sheetData></worksheet>')
    handmade('billion-laughs.xlsx', sheet, laughs)
    many = (f'<sst {NS} count="4294967295" uniqueCount="4294967295">'
            + '<si/>' * ((1 << 22) + 1) + '</sst>')
    handmade('huge-shared-strings.xlsx', sheet, many)
    deep = (f'<worksheet {NS}><sheetData>' + '<x>' * 100 + '</x>' * 100
            + '</sheetData></worksheet>')
    handmade('deep-nesting.xlsx', deep)
    with zipfile.ZipFile('not-a-workbook.xlsx', 'w') as z:
        z.writestr('readme.txt', 'a zip, but no workbook in it\n')
    # 300 MiB of a sheet that never ends: bzip2 makes it some kilobytes.
    bomb = (f'<worksheet {NS}><sheetData>'.encode()
            + b' ' * (300 << 20))
    handmade('zip-bomb.xlsx', bomb, method=zipfile.ZIP_BZIP2)
    # The same, its sizes in the zip's headers lying: 1000 bytes.
    with open('zip-bomb.xlsx', 'rb') as f:
        data = bytearray(f.read())
    real = struct.pack('<I', len(bomb) & 0xffffffff)
    name = b'xl/worksheets/sheet1.xml'
    for sig, off in ((b'PK\3\4', 22), (b'PK\1\2', 24)):
        i = data.find(sig)
        while i >= 0:
            nlen_at = 26 if sig == b'PK\3\4' else 28
            nlen = struct.unpack_from('<H', data, i + nlen_at)[0]
            start = i + (30 if sig == b'PK\3\4' else 46)
            if data[start:start + nlen] == name:
                assert data[i + off:i + off + 4] == real
                struct.pack_into('<I', data, i + off, 1000)
            i = data.find(sig, i + 4)
    with open('zip-bomb-lying.xlsx', 'wb') as f:
        f.write(data)


types()
dates()
merged()
two_sheets()
handmade_parts()
hostile()
