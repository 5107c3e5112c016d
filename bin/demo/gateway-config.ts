import { stringify } from 'yaml';
import { demoPartnerDevice } from '../../drivers/http/simulator.js';

export interface DemoPorts {
  sds011: string;
  teleinfoHistorique: string;
  teleinfoStandard: string;
  traffic: string;
  /** The RS-485 line of the Senseair S8 (RTU). */
  rs485: string;
  /** The SDM630's Modbus TCP port. */
  sdm630Tcp: number;
  /** Base URL of the partner API simulator (`tidegate simulate http`). */
  partnerApi: string;
}

/** The demo gateway: one device of every driver, on the simulators' PTYs and Modbus TCP port. */
export function demoGatewayConfig(options: {
  dir: string;
  mqttUrl: string;
  passwordFile: string;
  healthPort: number;
  ports: DemoPorts;
}): string {
  const { dir, ports } = options;
  const config = {
    gateway: { id: 'gw-demo', site: 'la-rochelle-demo', location: { lat: 46.1591, lon: -1.152 } },
    mqtt: { url: options.mqttUrl, username: 'gw-demo', passwordFile: options.passwordFile, statusEvery: '10s' },
    buffer: { path: `${dir}/buffer.db`, maxBytes: '64MB' },
    privacy: { keyFile: `${dir}/pseudonym.key` },
    // The demo machine's clock is trusted; a gateway without RTC waits for NTP (check: timedatectl).
    clock: { minYear: 2024, check: 'year' },
    health: { listen: `127.0.0.1:${options.healthPort}` },
    buses: { 'rs485-demo': { port: ports.rs485, baudRate: 9600, parity: 'none', timeoutMs: 500 } },
    devices: [
      { id: 'pm-1', driver: 'sds011', port: ports.sds011 },
      // Self-data meters publish at the granularity their owner consented to; "raw" so the demo shows
      // readings at once (daily and half-hourly data appear at the end of each period).
      { id: 'linky-h', driver: 'teleinfo', port: ports.teleinfoHistorique, mode: 'historique', consent: 'raw' },
      { id: 'linky-s', driver: 'teleinfo', port: ports.teleinfoStandard, mode: 'standard', consent: 'raw' },
      { id: 'road-d937', driver: 'traffic', port: ports.traffic, period: '20s' },
      {
        id: 'meter-1',
        driver: 'modbus',
        host: '127.0.0.1',
        port: ports.sdm630Tcp,
        unit: 1,
        profile: 'sdm630',
        every: '5s',
      },
      { id: 'co2-1', driver: 'modbus', bus: 'rs485-demo', unit: 1, profile: 'senseair-s8', every: '5s' },
      demoPartnerDevice('occupancy-api', ports.partnerApi),
    ],
  };
  return `# Written by tidegate demo.\n${stringify(config)}`;
}
