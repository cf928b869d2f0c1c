import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_DURATION_SETTINGS,
  DURATION_FORMAT,
  formatDuration,
  MAX_DURATION_SECONDS,
  parseDuration,
} from "../../src/domain/durations";

const seconds = (text: string, settings = DEFAULT_DURATION_SETTINGS) => {
  const parsed = parseDuration(text, settings);
  if (!parsed.ok) expect.fail(`${text}: ${parsed.message}`);
  return parsed.seconds;
};

describe("durations", () => {
  it("reads Jira's format with working days and weeks", () => {
    expect(seconds("1w 2d 3h 30m")).toBe((40 + 16 + 3) * 3600 + 30 * 60);
    expect(seconds("90m")).toBe(5400);
    expect(seconds("1.5h")).toBe(5400);
    expect(seconds("  2H  ")).toBe(7200);
    expect(seconds("0m")).toBe(0);
    expect(seconds("1w", { hoursPerDay: 6, daysPerWeek: 4 })).toBe(24 * 3600);
    expect(seconds("1d", { hoursPerDay: 6, daysPerWeek: 4 })).toBe(6 * 3600);
  });

  it("writes the largest units first", () => {
    expect(formatDuration(5400)).toBe("1h 30m");
    expect(formatDuration(0)).toBe("0m");
    expect(formatDuration((40 + 16 + 3) * 3600 + 30 * 60)).toBe("1w 2d 3h 30m");
    expect(formatDuration(8 * 3600)).toBe("1d");
    expect(formatDuration(8 * 3600, { hoursPerDay: 6, daysPerWeek: 5 })).toBe("1d 2h");
  });

  it("refuses nonsense with the accepted format", () => {
    for (const text of ["-1h", "99999w", "3x", "", "   ", "1h 2w", "1h 1h", "h", "1 h", "1.234h", "90", "1e3h"]) {
      const parsed = parseDuration(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain(DURATION_FORMAT);
    }
  });

  it("round-trips: parse(format(s)) = s for every whole-minute duration, on any board", () => {
    const settings = fc.record({
      hoursPerDay: fc.integer({ min: 1, max: 24 }),
      daysPerWeek: fc.integer({ min: 1, max: 7 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_DURATION_SECONDS / 60 }), settings, (minutes, s) => {
        expect(seconds(formatDuration(minutes * 60, s), s)).toBe(minutes * 60);
      }),
    );
  });

  it("round-trips: format(parse(text)) = text for every canonical text", () => {
    const canonical = fc
      .record({
        w: fc.integer({ min: 0, max: 200 }),
        d: fc.integer({ min: 0, max: 4 }),
        h: fc.integer({ min: 0, max: 7 }),
        m: fc.integer({ min: 0, max: 59 }),
      })
      .map(({ w, d, h, m }) => {
        const parts = [w && `${w}w`, d && `${d}d`, h && `${h}h`, m && `${m}m`].filter(Boolean);
        return parts.length > 0 ? parts.join(" ") : "0m";
      });
    fc.assert(
      fc.property(canonical, (text) => {
        expect(formatDuration(seconds(text))).toBe(text);
      }),
    );
  });
});
