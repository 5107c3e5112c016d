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

async function usersFileOf(options: { users?: string; config?: string }): Promise<string> {
  const { loadBrokerConfig } = await import('./index.js');
  const file = options.users ?? (options.config ? loadBrokerConfig(options.config).usersFile : undefined);
  if (!file) throw new Error('say which users file: --users FILE, or --config F with usersFile set');
  return file;
}

const withFile = (c: Command) =>
  c
    .option('-u, --users <file>', 'users file (default: usersFile of --config)')
    .option('-c, --config <file>', 'broker config whose usersFile to use');

/** broker user add | list | remove | passwd */
function registerUserCommands(broker: Command): void {
  const user = broker.command('user').description('manage broker accounts (a running broker re-reads the file)');
  withFile(user.command('add <name>'))
    .description('create or replace an account and print its password (the users file keeps only a hash)')
    .requiredOption(
      '-r, --role <role>',
      'gateway | ingestor | operator | admin (a gateway account is named after the gateway id)',
    )
    .option('--password-stdin', 'read a person-chosen password from stdin (stored as scrypt) instead of generating one')
    .action(
      async (name: string, options: { role: string; users?: string; config?: string; passwordStdin?: boolean }) => {
        const { addUser, ROLES } = await import('./index.js');
        const file = await usersFileOf(options);
        if (!(ROLES as readonly string[]).includes(options.role))
          throw new Error(`--role ${options.role} is not one of ${ROLES.join(', ')}`);
        const password = options.passwordStdin ? await readStdin() : undefined;
        const added = await addUser(file, name, options.role as (typeof ROLES)[number], password);
        process.stderr.write(`added ${added.role} "${added.name}" to ${file}\n`);
        if (!options.passwordStdin) process.stdout.write(`${added.password}\n`);
      },
    );
  withFile(user.command('list'))
    .description('print each account: name, role, and how its password is stored')
    .action(async (options: { users?: string; config?: string }) => {
      const { readUsersFile } = await import('./index.js');
      for (const a of readUsersFile(await usersFileOf(options)).values())
        process.stdout.write(`${a.name}\t${a.role}\t${a.password.split('$')[0]}\n`);
    });
  withFile(user.command('remove <name>'))
    .description('remove an account; a running broker closes its connections within seconds')
    .action(async (name: string, options: { users?: string; config?: string }) => {
      const { removeUser } = await import('./users.js');
      const file = await usersFileOf(options);
      removeUser(file, name);
      process.stderr.write(`removed "${name}" from ${file}\n`);
    });
  withFile(user.command('passwd <name>'))
    .description('give an account a new password (printed once); a running broker closes its connections')
    .option('--password-stdin', 'read a person-chosen password from stdin instead of generating one')
    .action(async (name: string, options: { users?: string; config?: string; passwordStdin?: boolean }) => {
      const { setPassword } = await import('./users.js');
      const file = await usersFileOf(options);
      const password = await setPassword(file, name, options.passwordStdin ? await readStdin() : undefined);
      process.stderr.write(`new password for "${name}" in ${file}\n`);
      if (!options.passwordStdin) process.stdout.write(`${password}\n`);
    });
}

/** Commands: broker, broker user add|list|remove|passwd, ingest, influx setup. */
export function registerServerCommands(program: Command): void {
  const broker = program
    .command('broker')
    .description('run the MQTT broker (aedes): accounts, ACL, TCP/TLS/WebSocket listeners, /health and /metrics')
    .option('-c, --config <file>', 'broker config (YAML), see config/broker.example.yaml')
    .action(async (options: { config?: string }) => {
      if (!options.config) throw new Error('tidegate broker needs --config FILE (see config/broker.example.yaml)');
      const { loadBrokerConfig, startBroker } = await import('./index.js');
      const running = await startBroker(loadBrokerConfig(options.config));
      // As with Mosquitto: SIGHUP re-reads the users file (it is also polled every second).
      process.on('SIGHUP', () => running.reloadUsers());
      const { readyLine } = await import('./ready-line.js');
      (await import('./log.js')).createLogger('broker').info(readyLine(running));
      untilSignal(() => running.close());
    });

  registerUserCommands(broker);

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
