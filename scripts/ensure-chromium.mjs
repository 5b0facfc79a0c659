// Makes sure Debian's Chromium is present for the Playwright suite; never downloads a browser build.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) {
  console.log(`chromium: using ${path}`);
} else {
  console.log(`chromium: ${path} is missing; installing Debian's chromium with apt-get`);
  const sudo = process.getuid && process.getuid() !== 0 ? 'sudo ' : '';
  execSync(
    `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`,
    {
      stdio: 'inherit',
    },
  );
  if (!existsSync(path)) {
    console.error(`chromium: still missing at ${path} after apt-get`);
    process.exit(1);
  }
}
