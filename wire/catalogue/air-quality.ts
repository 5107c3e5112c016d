import type { MeasurementSpec } from './types.js';

export const AIR_QUALITY: MeasurementSpec = {
  name: 'air_quality',
  description: 'Particulate matter, CO2, temperature and humidity from air sensors.',
  writtenBy: 'drivers',
  tags: [
    { name: 'sensor', description: 'sensor model (`sds011`, `pms5003`, `senseair-s8`)' },
    { name: 'serial', description: "the sensor's serial number", identifier: true },
    { name: 'station', description: 'public monitoring station code (open data, e.g. LCSQA `FR01011`)' },
  ],
  keyFields: ['pm2_5_ugm3', 'pm10_ugm3', 'co2_ppm'],
  rollup: { source: 'raw', levels: ['hourly', 'daily'] },
  fields: [
    { name: 'pm1_ugm3', unit: 'µg/m³', type: 'float', kind: 'gauge', description: 'PM1 mass concentration' },
    { name: 'pm2_5_ugm3', unit: 'µg/m³', type: 'float', kind: 'gauge', description: 'PM2.5 mass concentration' },
    { name: 'pm10_ugm3', unit: 'µg/m³', type: 'float', kind: 'gauge', description: 'PM10 mass concentration' },
    { name: 'no2_ugm3', unit: 'µg/m³', type: 'float', kind: 'gauge', description: 'NO2 concentration (open data)' },
    { name: 'o3_ugm3', unit: 'µg/m³', type: 'float', kind: 'gauge', description: 'O3 concentration (open data)' },
    { name: 'co2_ppm', unit: 'ppm', type: 'float', kind: 'gauge', description: 'CO2 concentration' },
    { name: 'temperature_c', unit: '°C', type: 'float', kind: 'gauge', description: 'air temperature' },
    { name: 'humidity_pct', unit: '%', type: 'float', kind: 'gauge', description: 'relative humidity' },
  ],
};
