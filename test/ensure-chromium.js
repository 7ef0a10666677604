// Before the tests: the browser tests drive Debian's Chromium (playwright-core downloads no browser
// here). When it is missing, install it with apt-get, saying so, as root or through sudo.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const asRoot = process.getuid?.() === 0;
  const quiet = {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  const run = (args) =>
    asRoot ? execFileSync(args[0], args.slice(1), quiet) : execFileSync('sudo', ['-n', ...args], quiet);
  if (!asRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    process.stderr.write(
      `The browser tests need Chromium at ${CHROMIUM}, and installing it needs root: run \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH), then npm test again.\n`,
    );
    process.exit(1);
  }
  process.stderr.write(
    `Chromium is missing at ${CHROMIUM}; installing Debian's package (apt-get install -y chromium)…\n`,
  );
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'chromium']);
}
