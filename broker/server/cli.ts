import type { Command } from 'commander';

/** Runs until SIGINT/SIGTERM, then closes gracefully (a second signal exits at once). */
function untilSignal(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`tidegate: ${signal}, stopping\n`);
    close().then(
      () => process.exit(0),
      (e: Error) => {
        process.stderr.write(`tidegate: ${e.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Commands: broker, broker user add, ingest, influx setup. */
export function registerServerCommands(program: Command): void {
  const broker = program
    .command('broker')
    .description('run the MQTT broker (aedes): accounts, ACL, TCP/TLS/WebSocket listeners, /health and /metrics')
    .option('-c, --config <file>', 'broker config (YAML), see config/broker.example.yaml')
    .action(async (options: { config?: string }) => {
      if (!options.config) throw new Error('tidegate broker needs --config FILE (see config/broker.example.yaml)');
      const { loadBrokerConfig, startBroker } = await import('./index.js');
      const running = await startBroker(loadBrokerConfig(options.config));
      const { readyLine } = await import('./ready-line.js');
      (await import('./log.js')).createLogger('broker').info(readyLine(running));
      untilSignal(() => running.close());
    });

  broker
    .command('user')
    .description('manage broker accounts')
    .command('add <name>')
    .description('create or replace an account and print its password (the users file keeps only a scrypt hash)')
    .requiredOption(
      '-r, --role <role>',
      'gateway | ingestor | operator | admin (a gateway account is named after the gateway id)',
    )
    .option('-u, --users <file>', 'users file (default: usersFile of --config)')
    .option('-c, --config <file>', 'broker config whose usersFile to use')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(
      async (name: string, options: { role: string; users?: string; config?: string; passwordStdin?: boolean }) => {
        const { addUser, loadBrokerConfig, ROLES } = await import('./index.js');
        const file = options.users ?? (options.config ? loadBrokerConfig(options.config).usersFile : undefined);
        if (!file) throw new Error('say which users file: --users FILE, or --config F with usersFile set');
        if (!(ROLES as readonly string[]).includes(options.role))
          throw new Error(`--role ${options.role} is not one of ${ROLES.join(', ')}`);
        const password = options.passwordStdin ? await readStdin() : undefined;
        const user = await addUser(file, name, options.role as (typeof ROLES)[number], password);
        process.stderr.write(`added ${user.role} "${user.name}" to ${file}\n`);
        if (!options.passwordStdin) process.stdout.write(`${user.password}\n`);
      },
    );

  program
    .command('ingest')
    .description('subscribe to gateway data and write it into InfluxDB, acknowledging only what is stored')
    .requiredOption('-c, --config <file>', 'ingest config (YAML), or a broker config with an ingest: section')
    .action(async (options: { config: string }) => {
      const { loadIngestConfig } = await import('../ingest/load.js');
      const { startIngestor } = await import('../ingest/ingestor.js');
      const config = loadIngestConfig(options.config);
      const ingestor = await startIngestor(config);
      const { startIngestHttp } = await import('../ingest/health.js');
      const http = config.http ? await startIngestHttp(ingestor, config.http) : undefined;
      if (http) process.stderr.write(`ingest health and metrics on ${http.url}/health and /metrics\n`);
      untilSignal(async () => {
        await http?.close();
        await ingestor.close();
      });
    });

  program
    .command('influx')
    .description('InfluxDB administration')
    .command('setup')
    .description('create the database, retention policies and rollups (idempotent)')
    .requiredOption('-c, --config <file>', 'ingest or broker config naming the InfluxDB')
    .action(async (options: { config: string }) => {
      const { loadIngestConfig } = await import('../ingest/load.js');
      const { ensureSchema } = await import('../schema/index.js');
      const config = loadIngestConfig(options.config);
      if (!config.influx.url) throw new Error(`${options.config}: influx.url: needed for influx setup`);
      await ensureSchema({
        url: config.influx.url,
        database: config.influx.database,
        username: config.influx.username,
        password: config.influx.password,
        retention: config.influx.retention,
      });
      process.stderr.write(`InfluxDB ${config.influx.url}: database ${config.influx.database} is set up\n`);
    });
}
