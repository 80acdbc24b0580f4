// Test-only, loaded into the browser tests' server process with NODE_OPTIONS=--import: moves the
// process's clock by the milliseconds written in the file E2E_CLOCK_FILE (read at most every
// 100 ms). JavaScript's Date and, through it, the embedded PGlite's now() both follow, so a test
// can let an hour pass. Never part of the application.
import { readFileSync } from 'node:fs';

const file = process.env.E2E_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  let offset = 0;
  let readAt = -Infinity;
  const current = () => {
    const now = realNow();
    if (now - readAt > 100) {
      readAt = now;
      try {
        offset = Number(readFileSync(file, 'utf8')) || 0;
      } catch {
        offset = 0;
      }
    }
    return now + offset;
  };
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(current());
      else super(...args);
    }
    static now() {
      return current();
    }
  }
  globalThis.Date = ShiftedDate;
}
