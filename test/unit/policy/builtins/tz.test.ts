// The ICU fallback (used only where the system has no zone files) agrees with the zone files Go
// reads: same UTC offsets at every instant around the transitions of a few zones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intlLocation, loadLocation } from '../../../../src/policy/builtins/tz.ts';

test('ICU offsets equal the TZif offsets of the system zone files', () => {
  for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns']) {
    const files = loadLocation(zone);
    assert.ok(files, `${zone} from the zone files`);
    const icu = intlLocation(zone);
    // Every week and an hour (so every hour of the day comes round) through 1990..2040.
    for (let sec = Date.UTC(1990, 0, 1) / 1000; sec < Date.UTC(2040, 0, 1) / 1000; sec += 7 * 86400 + 3600) {
      assert.equal(icu.lookup(sec).offset, files.lookup(sec).offset, `${zone} at ${new Date(sec * 1000).toISOString()}`);
    }
  }
});

test('zone names are looked up only when ICU knows them, and never as paths', () => {
  for (const name of ['../../etc/passwd', '/etc/passwd', 'Europe/../../etc/passwd', 'Europe/Berlin\u0000', 'zone.tab', 'Not/AZone'])
    assert.equal(loadLocation(name), undefined, name);
});
