"""Writes pymodbus-encoding.json: registers that pymodbus' BinaryPayloadBuilder produces for each type and
byte/word order, the reference tidegate's decoder is tested against (values.test.ts).

Run with Debian's python3-pymodbus: /usr/bin/python3 drivers/modbus/testdata/pymodbus-encoding.py
pymodbus names orders by (byteorder, wordorder): Big/Big is ABCD, Big/Little CDAB, Little/Big BADC,
Little/Little DCBA.
"""
import json
import os

from pymodbus.constants import Endian
from pymodbus.payload import BinaryPayloadBuilder

ORDERS = {
    "ABCD": (Endian.Big, Endian.Big),
    "CDAB": (Endian.Big, Endian.Little),
    "BADC": (Endian.Little, Endian.Big),
    "DCBA": (Endian.Little, Endian.Little),
}
VALUES = {
    "int16": ("add_16bit_int", [-12345, 0, 32767, -32768]),
    "uint16": ("add_16bit_uint", [0, 1, 4660, 65535]),
    "int32": ("add_32bit_int", [-123456789, 2147483647, -2147483648, 1]),
    "uint32": ("add_32bit_uint", [0, 305419896, 4294967295, 86400]),
    "int64": ("add_64bit_int", [-1234567890123456789, 9223372036854775807, -9223372036854775808]),
    "uint64": ("add_64bit_uint", [0, 1311768467463790320, 18446744073709551615]),
    "float32": ("add_32bit_float", [230.2, -1.5, 49.98, 12345.67, 3.4028234663852886e38]),
    "float64": ("add_64bit_float", [230.2, -1.5, 3.141592653589793, 1e-300]),
}

vectors = []
for type_name, (method, values) in VALUES.items():
    for order, (byteorder, wordorder) in ORDERS.items():
        for value in values:
            builder = BinaryPayloadBuilder(byteorder=byteorder, wordorder=wordorder)
            getattr(builder, method)(value)
            # 64-bit integers as strings: JSON numbers lose precision past 2^53.
            shown = str(value) if type_name.endswith("64") and "int" in type_name else value
            vectors.append({"type": type_name, "order": order, "value": shown, "registers": builder.to_registers()})
builder = BinaryPayloadBuilder(byteorder=Endian.Big, wordorder=Endian.Big)
builder.add_string("SDM630-V2")
vectors.append({"type": "string", "order": "ABCD", "value": "SDM630-V2", "registers": builder.to_registers()})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pymodbus-encoding.json")
with open(out, "w") as f:
    json.dump({"generator": "pymodbus-encoding.py", "vectors": vectors}, f, indent=1)
print(f"{len(vectors)} vectors written to {out}")
