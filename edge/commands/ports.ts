/** `tidegate ports`: the serial ports this machine has, with what udev knows of each. */
export async function portsCommand(): Promise<number> {
  const { SerialPort } = await import('serialport');
  const ports = await SerialPort.list();
  if (ports.length === 0) {
    process.stdout.write('no serial ports found (is the USB adapter plugged in? is udev installed?)\n');
    return 0;
  }
  for (const port of ports) {
    const usb = port.vendorId ? ` usb ${port.vendorId}:${port.productId}` : '';
    const by = port.pnpId ? ` (/dev/serial/by-id/${port.pnpId})` : '';
    process.stdout.write(`${port.path}${usb}${port.manufacturer ? ` ${port.manufacturer}` : ''}${by}\n`);
  }
  return 0;
}
