// Makes sure Debian's python3-jsonschema is present for the second (non-JavaScript) JSON Schema
// validator check in the unit tests; installs it with apt-get when missing, never with pip.
import { execFileSync, execSync } from 'node:child_process';

export const PYTHON = process.env.SCHEMA_PYTHON ?? '/usr/bin/python3';

function present() {
  try {
    execFileSync(PYTHON, ['-c', 'import jsonschema'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (present()) {
  console.log(`python3-jsonschema: using ${PYTHON}`);
} else {
  console.log(
    `python3-jsonschema: missing for ${PYTHON}; installing Debian's package with apt-get`,
  );
  const sudo = process.getuid && process.getuid() !== 0 ? 'sudo ' : '';
  execSync(
    `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jsonschema`,
    { stdio: 'inherit' },
  );
  if (!present()) {
    console.error(`python3-jsonschema: still not importable by ${PYTHON} after apt-get`);
    process.exit(1);
  }
}
