// ec's guard on `--effective-time` (conforma/cli internal/policy/policy.go rejectPastTime, commit
// a18338416237ca7c5154a0af499f81d4b821ea46): an explicit time more than 2 s before now is refused
// unless `--allow-past-effective-time`, so a caller cannot roll the clock back to before a rule
// took effect. `now` and `attestation` are never in the past. Pure (the caller passes now).
import { InputError } from '../errors.ts';
import type { EffectiveTimeSetting } from './types.ts';

/** ec's pastEffectiveTimeGracePeriod: clock skew between the caller and the run. */
export const PAST_GRACE_MS = 2_000;

/** Go's time.Format(time.RFC3339) of a UTC time: whole seconds. */
const rfc3339Seconds = (d: Date): string => d.toISOString().replace(/\.\d+Z$/, 'Z');

export function assertEffectiveTimeAllowed(setting: EffectiveTimeSetting, allowPast: boolean, now: Date): void {
  if (setting.kind !== 'fixed' || allowPast) return;
  if (setting.time.getTime() < now.getTime() - PAST_GRACE_MS) {
    throw new InputError(
      'EFFECTIVE_TIME_IN_PAST',
      `effective time ${rfc3339Seconds(setting.time)} is in the past; use --allow-past-effective-time to override`,
      {
        value: '--effective-time',
      },
    );
  }
}
