"""A real Modbus slave (pymodbus 3.0) for tidegate's tests.

Usage: /usr/bin/python3 pymodbus_server.py CONFIG.json

CONFIG: {"transport": "tcp"|"rtu", "port": 5020 (tcp), "device": "/dev/pts/N" (rtu), "baudrate": 9600,
         "units": {"1": {"input": {"0": [16998, 13108]}, "holding": {...}, "coils": {"0": [1, 0]},
                          "discrete": {...}}}}
Register tables are 0-based (zero_mode=True). Commands on stdin, one per line:
  off UNIT            the unit stops answering (as if switched off)
  on UNIT             it answers again
  set UNIT TABLE ADDR V1,V2,...   write 16-bit words (or bits) into a table
Prints READY on stdout once it serves.
"""
import asyncio
import json
import sys
import threading

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer

TABLE_SIZE = 65536
SWITCHED_OFF = set()


def switchable(framer_class):
    """A framer that ignores frames for switched-off units, as a bus ignores a slave that is not powered.

    Done in the framer rather than by removing the unit from the server context: pymodbus 3.0 reads the
    list of units before it awaits a request, so a context change would apply one request late.
    """

    class Switchable(framer_class):
        def _validate_unit_id(self, units, single):
            if self._header.get("uid") in SWITCHED_OFF:
                return False
            return super()._validate_unit_id(units, single)

    return Switchable
TABLES = {"coils": "co", "discrete": "di", "holding": "hr", "input": "ir"}


def make_unit(spec):
    blocks = {}
    for table, short in TABLES.items():
        block = ModbusSequentialDataBlock(0, [0] * TABLE_SIZE)
        for addr, values in (spec.get(table) or {}).items():
            block.setValues(int(addr), list(values))
        blocks[short] = block
    return ModbusSlaveContext(zero_mode=True, **blocks)


def main():
    config = json.load(open(sys.argv[1]))
    units = {int(u): make_unit(spec) for u, spec in config["units"].items()}
    context = ModbusServerContext(slaves=dict(units), single=False)
    function_of = {"coils": 1, "discrete": 2, "holding": 3, "input": 4}

    def commands():
        # readline, not "for line in sys.stdin": iteration reads ahead and would hold commands back.
        while True:
            line = sys.stdin.readline()
            if not line:
                return
            parts = line.split()
            if not parts:
                continue
            try:
                if parts[0] == "off":
                    SWITCHED_OFF.add(int(parts[1]))
                elif parts[0] == "on":
                    SWITCHED_OFF.discard(int(parts[1]))
                elif parts[0] == "set":
                    unit, table, addr = int(parts[1]), parts[2], int(parts[3])
                    values = [int(v) for v in parts[4].split(",")]
                    units[unit].setValues(function_of[table], addr, values)
                print("OK " + line.strip(), flush=True)
            except Exception as e:  # report and keep serving
                print("ERR " + repr(e), flush=True)

    threading.Thread(target=commands, daemon=True).start()

    async def announce():
        await asyncio.sleep(0.3)
        print("READY", flush=True)

    async def serve():
        asyncio.get_running_loop().create_task(announce())
        if config["transport"] == "tcp":
            await StartAsyncTcpServer(context, address=("127.0.0.1", int(config["port"])),
                                      framer=switchable(ModbusSocketFramer), ignore_missing_slaves=True)
        else:
            await StartAsyncSerialServer(context, port=config["device"], framer=switchable(ModbusRtuFramer),
                                         baudrate=int(config.get("baudrate", 9600)), ignore_missing_slaves=True)

    asyncio.run(serve())


if __name__ == "__main__":
    main()
