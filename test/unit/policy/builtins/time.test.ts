// time.* against the real `opa eval`: Go's layout grammar both ways, zones with DST, calendar
// normalisation (month ends, leap years, Feb 30), the int64 nanosecond range, and bad input
// (undefined, never an error). Arguments are at most 17 significant digits: the exact digits the
// SDK's doubles can carry (docs/compatibility.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostBuiltins } from '../../../../src/policy/wasm/builtins.ts';
import { decodeExactJson } from '../../../../src/policy/builtins/value.ts';
import { disagreements, type Case } from './differential.ts';

const NS_2026 = 1767225600000000000; // 2026-01-01T00:00:00Z
const MS_PRECISION = 1767225600123000000; // .123
const US_PRECISION = 1767225600123456000; // .123456
const MIN_NS = -9223372036854775808;
const ZONES = [
  'UTC',
  '',
  'Local',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/St_Johns',
  'Africa/Casablanca',
  'Europe/Dublin',
  'Etc/GMT+5',
  'Bogus/Zone',
  '../etc/passwd',
  'europe/berlin',
];
// Instants around the 2026 DST transitions of New York (Mar 8, Nov 1) and Berlin (Mar 29, Oct 25).
const INSTANTS = [
  0,
  -1,
  1,
  NS_2026,
  MS_PRECISION,
  US_PRECISION,
  1772953199000000000,
  1772953200000000000,
  1793512799000000000,
  1793516400000000000,
  1774746000000000000,
  1792890000000000000,
  951782400000000000,
  MIN_NS,
  9223372036854775000,
  1.5,
  -86400000000000,
];
const LAYOUTS = [
  'RFC3339',
  'RFC3339Nano',
  'ANSIC',
  'UnixDate',
  'RubyDate',
  'RFC822',
  'RFC822Z',
  'RFC850',
  'RFC1123',
  'RFC1123Z',
  'Kitchen',
  '2006-01-02',
  '2006-01-02T15:04:05Z07:00',
  'Mon Jan _2 15:04:05 MST 2006',
  'Monday January 2 3:4:5 PM pm',
  '__2 002 06 Jan',
  '15:04:05.000 .999 ,000000 .9',
  '-0700 -07:00 -07 -070000 -07:00:00 Z0700 Z07 Z070000 Z07:00:00',
  'Month Janx Mond _2006',
  'no verbs',
  '',
  'é 2006 ü',
];

const cases = (): Case[] => {
  const out: Case[] = [];
  const rfc3339 = [
    '2026-05-06T07:08:09Z',
    '2026-05-06T07:08:09.123456789+02:00',
    '2026-05-06T07:08:09,5Z',
    '2026-05-06T07:08:09.1234567891234Z',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '1677-09-21T00:12:43.145224192Z',
    '1677-09-21T00:12:43.145224191Z',
    '2262-04-11T23:47:16.854775807Z',
    '2262-04-11T23:47:16.854775808Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:60Z',
    '2026-01-01T00:00:00+24:00',
    '2026-01-01T00:00:00+23:59',
    '2026-01-01t00:00:00z',
    '2026-1-1T00:00:00Z',
    '2026-01-01T1:00:00Z',
    '2026-01-01 00:00:00Z',
    '',
    'garbage',
    '2026-01-01T00:00:00',
    '2026-01-01T00:00:00.Z',
  ];
  for (const v of rfc3339) out.push({ builtin: 'time.parse_rfc3339_ns', args: [v] });
  out.push({ builtin: 'time.parse_rfc3339_ns', args: [12] }, { builtin: 'time.parse_rfc3339_ns', args: [null] });
  const parses: [string, string][] = [
    ['2006-01-02', '2025-12-31'],
    ['2006-01-02', '2024-02-29'],
    ['2006-01-02', '2023-02-29'],
    ['2006-01-02', '2026-02-30'],
    ['2006-01-02', '2026-13-01'],
    ['RFC1123', 'Tue, 01 Dec 2026 10:00:00 EST'],
    ['RFC1123', 'Tue, 01 Dec 2026 10:00:00 UTC'],
    ['RFC1123Z', 'Tue, 01 Dec 2026 10:00:00 +0530'],
    ['RFC822', '01 Dec 26 10:00 GMT+3'],
    ['ANSIC', 'Tue Dec  1 10:00:00 2026'],
    ['UnixDate', 'Wed Dec  1 10:00:00 MST 2026'],
    ['Kitchen', '3:04PM'],
    ['Kitchen', '12:00AM'],
    ['3:04pm', '11:59pm'],
    ['Jan _2 15:04:05.000', 'Feb  3 04:05:06.789'],
    ['__2 2006', ' 60 2024'],
    ['002 2006', '366 2023'],
    ['002 2006', '366 2024'],
    ['2006-01-02 002', '2024-03-01 061'],
    ['06', '68'],
    ['06', '69'],
    ['2006-01-02T15:04:05.000Z07:00', '2026-01-01T00:00:00.12Z'],
    ['2006-01-02T15:04:05Z07:00', '2026-01-01T00:00:00.123456789012+01:00'],
    ['2006 Z07:00:00', '2026 -01:02:03'],
    ['2006 -070000', '2026 +240000'],
    ['Monday 2006', 'tuesday 2026'],
    ['January 2006', 'MARCH 2026'],
    ['2006 MST', '2026 ChST'],
    ['bogus', 'bogus'],
    ['bogus', 'other'],
    ['', ''],
    ['2006', ''],
    ['2006', '20261'],
    ["01/02 03:04:05PM '06 -0700", "12/31 11:59:59PM '26 -1200"],
    ['15', '24'],
  ];
  for (const [layout, value] of parses) out.push({ builtin: 'time.parse_ns', args: [layout, value] });
  for (const ns of INSTANTS) {
    out.push({ builtin: 'time.format', args: [ns] });
    for (const fn of ['time.date', 'time.clock', 'time.weekday']) out.push({ builtin: fn, args: [ns] }, { builtin: fn, args: [[ns, 'America/New_York']] });
  }
  for (const zone of ZONES) for (const ns of INSTANTS.slice(3, 12)) out.push({ builtin: 'time.format', args: [[ns, zone]] });
  for (const layout of LAYOUTS)
    for (const zone of ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/St_Johns']) out.push({ builtin: 'time.format', args: [[US_PRECISION, zone, layout]] });
  out.push(
    { builtin: 'time.format', args: [[]] },
    { builtin: 'time.format', args: [['x']] },
    { builtin: 'time.format', args: [[NS_2026, 5]] },
    { builtin: 'time.format', args: [[NS_2026, 'UTC', 5]] },
    { builtin: 'time.format', args: ['2026'] },
  );
  const jan31 = 1769817600000000000; // 2026-01-31
  const feb29 = 1709164800000000000; // 2024-02-29
  for (const [y, m, d] of [
    [0, 1, 0],
    [0, 1, 1],
    [1, 0, 0],
    [-1, 0, 0],
    [0, -13, 0],
    [0, 0, -400],
    [4, 0, 0],
    [250, 0, 0],
    [300, 0, 0],
    [0, 0, 0.5],
    [0, 12000, 0],
  ]) {
    out.push(
      { builtin: 'time.add_date', args: [jan31, y, m, d] },
      { builtin: 'time.add_date', args: [feb29, y, m, d] },
      { builtin: 'time.add_date', args: [[1772953200000000000, 'America/New_York'], y, m, d] },
    );
  }
  const pairs: [unknown, unknown][] = [
    [0, NS_2026],
    [NS_2026, 0],
    [jan31, feb29],
    [
      [jan31, 'Asia/Kolkata'],
      [feb29, 'UTC'],
    ],
    [1772953199000000000, 1772953200000000000],
    [MIN_NS, 9223372036854775000],
    [NS_2026, NS_2026],
  ];
  for (const [a, b] of pairs) out.push({ builtin: 'time.diff', args: [a, b] });
  return out;
};

test('time builtins answer as opa eval (Go topdown) does', async () => {
  assert.deepEqual(await disagreements(cases()), []);
});

test('time.now_ns is the run clock: constant, exact to the nanosecond in the JSON the module reads', () => {
  const now = hostBuiltins(new Date('2026-01-01T00:00:00.123Z'))['time.now_ns']!;
  const text = new TextDecoder().decode(now() as ArrayBuffer);
  // 1767225600123000000 is no double: a JS number would have become ...123000064.
  assert.equal(text, '1767225600123000000');
  assert.equal(decodeExactJson(text), 1767225600123000000n);
  assert.equal(new TextDecoder().decode(now() as ArrayBuffer), text);
});
