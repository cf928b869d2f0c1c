import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  burndownChart,
  controlChart,
  dayStart,
  flowChart,
  idealBurnup,
  rollingAverage,
} from "../../client/src/charts/chartData";
import type { CycleTime } from "../../src/reporting/flowReports";
import type { Burndown, BurndownPoint } from "../../src/reporting/sprintReports";

// The web app's charts draw what these functions shape from the reports: stepped
// lines that never break, the scope changes to mark, weekends to shade, stacked flow.

const at = (iso: string) => Date.parse(iso) / 1000;

function point(iso: string, remaining: number, scope: number, scopeChange = false): BurndownPoint {
  return {
    seq: 0,
    at: iso,
    date: iso.slice(0, 10),
    remaining,
    scope,
    completed: scope - remaining,
    scopeChange,
    changes: scopeChange ? [{ kind: "added", key: "WEB-4", delta: scope }] : [],
  };
}

// Friday 6 to Tuesday 10 March 2026; Saturday and Sunday are not working days.
const report: Burndown = {
  unit: "points",
  timeZone: "UTC",
  workingDays: [1, 2, 3, 4, 5],
  ideal: [
    { date: "2026-03-06", remaining: 10, workingDay: true },
    { date: "2026-03-07", remaining: 5, workingDay: false },
    { date: "2026-03-08", remaining: 5, workingDay: false },
    { date: "2026-03-09", remaining: 5, workingDay: true },
    { date: "2026-03-10", remaining: 0, workingDay: true },
  ],
  series: [
    point("2026-03-06T09:00:00.000Z", 10, 10),
    point("2026-03-07T12:00:00.000Z", 18, 18, true),
    point("2026-03-09T15:00:00.000Z", 12, 18),
  ],
};

describe("burndown chart", () => {
  it("holds each figure until the next change and on to the end, marking the scope changes", () => {
    const until = at("2026-03-09T18:00:00.000Z");
    const chart = burndownChart(report, until);
    expect(chart.x).toEqual([...chart.x].sort((a, b) => a - b));
    const remainingAt = (x: number) => chart.remaining[chart.x.indexOf(x)];
    // Before the sprint's first change there is nothing to draw; then each value holds.
    expect(remainingAt(dayStart("2026-03-06"))).toBeNull();
    expect(remainingAt(dayStart("2026-03-07"))).toBe(10);
    expect(remainingAt(at("2026-03-07T12:00:00.000Z"))).toBe(18);
    expect(remainingAt(dayStart("2026-03-09"))).toBe(18);
    expect(remainingAt(until)).toBe(12);
    // The future has no figures: the ideal line goes on alone.
    expect(remainingAt(dayStart("2026-03-10"))).toBeNull();
    expect(chart.ideal[chart.x.indexOf(dayStart("2026-03-10"))]).toBe(0);
    expect(chart.scopeSteps.map((i) => chart.points[i]?.changes[0]?.key)).toEqual(["WEB-4"]);
    expect(chart.nonWorking).toEqual([
      [dayStart("2026-03-07"), dayStart("2026-03-08")],
      [dayStart("2026-03-08"), dayStart("2026-03-09")],
    ]);
  });

  it("never breaks the line between the first change and the end, whatever the changes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 * 86_400 }), fc.nat(40), fc.boolean()), {
          minLength: 1,
          maxLength: 20,
        }),
        (changes) => {
          const start = at("2026-03-06T00:00:00.000Z");
          const series = [...changes]
            .sort((a, b) => a[0] - b[0])
            .map(([offset, remaining, scopeChange]) =>
              point(new Date((start + offset) * 1000).toISOString(), remaining, 40, scopeChange),
            );
          const until = start + 4 * 86_400 + 1;
          const chart = burndownChart({ ...report, series }, until);
          const first = chart.points.findIndex((p) => p !== null);
          const last = chart.x.indexOf(until);
          expect(chart.remaining.slice(first, last + 1).every((v) => v !== null)).toBe(true);
          expect(chart.scopeSteps.length).toBe(series.filter((p) => p.scopeChange).length);
        },
      ),
    );
  });

  it("shows time in hours and the ideal burnup rising to the commitment", () => {
    const inSeconds = {
      ...report,
      unit: "time" as const,
      ideal: report.ideal.map((d) => ({ ...d, remaining: d.remaining * 3600 })),
    };
    const chart = burndownChart(inSeconds, null, 3600);
    expect(chart.ideal.filter((v) => v !== null)).toEqual([10, 5, 5, 5, 0]);
    const points = burndownChart(report, null);
    expect(idealBurnup(points).filter((v) => v !== null)).toEqual([0, 5, 5, 5, 10]);
  });
});

describe("cumulative flow chart", () => {
  it("stacks the columns with the first on top, so its band's top edge is the total", () => {
    const flow = flowChart({
      timeZone: "UTC",
      from: "2026-03-06",
      to: "2026-03-07",
      columns: [
        { id: "todo", name: "To Do", category: "todo", removed: false },
        { id: "doing", name: "Doing", category: "in_progress", removed: false },
        { id: "done", name: "Done", category: "done", removed: false },
      ],
      days: [
        { date: "2026-03-06", counts: { todo: 3, doing: 1 }, total: 4 },
        { date: "2026-03-07", counts: { todo: 1, doing: 2, done: 1 }, total: 4 },
      ],
    });
    expect(flow.stacked).toEqual([
      [4, 4],
      [1, 3],
      [0, 1],
    ]);
    expect(flow.counts[1]).toEqual([1, 2]);
  });
});

describe("control chart", () => {
  it("averages lead time over the same window the report uses for cycle time", () => {
    expect(rollingAverage([10, null, 20, 30, 40], 2)).toEqual([10, 10, 15, 25, 35]);
    const cycle: CycleTime = {
      timeZone: "UTC",
      from: "2026-03-01",
      to: "2026-03-31",
      window: 2,
      points: [
        ["WEB-1", 3 * 86_400, 4 * 86_400, 3 * 86_400],
        ["WEB-2", null, 2 * 86_400, 3 * 86_400],
      ].map(([key, cycleSeconds, leadSeconds, rolling]) => ({
        key: key as string,
        title: "",
        type: "task",
        createdAt: "2026-03-01T00:00:00.000Z",
        startedAt: null,
        resolvedAt: "2026-03-05T00:00:00.000Z",
        resolvedOn: "2026-03-05",
        cycleSeconds: cycleSeconds as number | null,
        leadSeconds: leadSeconds as number,
        rollingAverageSeconds: rolling as number,
      })),
      cycle: {
        count: 1,
        averageSeconds: 3 * 86_400,
        p50Seconds: 3 * 86_400,
        p85Seconds: 3 * 86_400,
        p95Seconds: 3 * 86_400,
      },
      lead: {
        count: 2,
        averageSeconds: 3 * 86_400,
        p50Seconds: 2 * 86_400,
        p85Seconds: 4 * 86_400,
        p95Seconds: 4 * 86_400,
      },
      throughput: [],
    };
    const lead = controlChart(cycle, "lead");
    expect([lead.unit, lead.y, lead.rolling, lead.p50]).toEqual(["days", [4, 2], [4, 3], 2]);
    const byCycle = controlChart(cycle, "cycle");
    expect([byCycle.y, byCycle.rolling]).toEqual([
      [3, null],
      [3, 3],
    ]);
    expect(byCycle.range).toEqual([dayStart("2026-03-01"), dayStart("2026-04-01")]);
  });
});
