import { createEffect, createMemo, For, Show } from "solid-js";
import uPlot from "uplot";
import type { CumulativeFlow, CycleTime } from "../../../src/reporting/flowReports";
import { controlChart, dayStart, flowChart, localDate, type Metric } from "../charts/chartData";
import { when } from "../format";
import { downloadReport, loadReport, reportsStore, viewerTimeZone } from "../stores/reports";
import { route, setQuery } from "../stores/route";
import { axis, Chart, type ChartTheme, dayAxis } from "./Chart";
import { FieldError } from "./common";
import {
  DateRange,
  Empty,
  elapsed,
  Figures,
  ReportBody,
  ReportHead,
  shortDate,
  TaskLink,
  useRange,
} from "./reportParts";

// Flow reports for any board: cumulative flow, and cycle and lead time as a control
// chart with weekly throughput.

const dateValue = (_u: uPlot, v: number | null) => (v === null ? "—" : shortDate(localDate(v)));

// ---- cumulative flow ------------------------------------------------------------

export function FlowReport(props: { boardId: string }) {
  const range = useRange("last30");
  const query = () => ({ from: range.from(), to: range.to(), timeZone: viewerTimeZone });
  const load = () => void loadReport("cfd", props.boardId, query());
  createEffect(() => {
    if (!range.problem()) load();
  });
  return (
    <section class="report" aria-labelledby="report-title">
      <ReportHead
        title="Cumulative flow"
        slot="cfd"
        download={range.problem() ? null : () => void downloadReport("cfd", props.boardId, query())}
      >
        <DateRange range={range} />
      </ReportHead>
      <FieldError message={range.problem()} />
      <Show when={!range.problem()}>
        <ReportBody loaded={reportsStore.cfd} what="cumulative flow" retry={load}>
          {(report) => <FlowFigure report={report} />}
        </ReportBody>
      </Show>
    </section>
  );
}

function FlowFigure(props: { report: CumulativeFlow }) {
  const flow = createMemo(() => flowChart(props.report));
  const last = () => props.report.days.at(-1);
  const spec = (theme: ChartTheme) => {
    const f = flow();
    const top = Math.max(1, ...(f.stacked[0] ?? [0]));
    return {
      options: {
        scales: { x: { time: true }, y: { range: [0, Math.ceil(top * 1.1)] as [number, number] } },
        // Drawn from the top band down, each filled to the axis: the next one covers the part below it.
        series: [
          { label: "Day", value: dateValue },
          ...f.columns.map((c, k) => {
            const colour = theme.palette[k % theme.palette.length] as string;
            return {
              label: c.removed ? `${c.name} (removed)` : c.name,
              stroke: colour,
              fill: theme.tint(colour, 0.5),
              width: 1.5,
              points: { show: false },
              // The legend gives the column's own count, not the height of its band.
              value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) =>
                idx === null ? "—" : String(f.counts[k]?.[idx] ?? 0),
            };
          }),
        ],
        axes: [dayAxis(theme), axis(theme, { label: "Tasks", labelSize: 20 })],
      } satisfies Omit<uPlot.Options, "width" | "height">,
      data: [f.x, ...f.stacked] as uPlot.AlignedData,
    };
  };
  return (
    <Show
      when={props.report.days.some((d) => d.total > 0)}
      fallback={<Empty>No task was on this board between these days.</Empty>}
    >
      <figure class="report-figure">
        <figcaption class="summary">
          Tasks in each column at the end of each day, {shortDate(props.report.from)} to {shortDate(props.report.to)}.
          <Show when={last()}>
            {(day) => (
              <>
                {" "}
                On {shortDate(day().date)}:{" "}
                {props.report.columns
                  .filter((c) => !c.removed || (day().counts[c.id] ?? 0) > 0)
                  .map((c) => `${c.name} ${day().counts[c.id] ?? 0}`)
                  .join(", ")}
                .
              </>
            )}
          </Show>
        </figcaption>
        <Chart name="cfd" spec={spec} />
        <Figures caption="Tasks per column at the end of each day">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <For each={props.report.columns}>{(c) => <th scope="col">{c.name}</th>}</For>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.report.days}>
              {(d) => (
                <tr>
                  <th scope="row">{shortDate(d.date)}</th>
                  <For each={props.report.columns}>{(c) => <td>{d.counts[c.id] ?? 0}</td>}</For>
                  <td>{d.total}</td>
                </tr>
              )}
            </For>
          </tbody>
        </Figures>
      </figure>
    </Show>
  );
}

// ---- control chart and throughput ----------------------------------------------

const throughputBars = uPlot.paths.bars?.({ size: [0.6, 40] });

export function ControlReport(props: { boardId: string; boardKey: string }) {
  const range = useRange("last30");
  const metric = (): Metric => (route.query.metric === "lead" ? "lead" : "cycle");
  const query = () => ({ from: range.from(), to: range.to(), timeZone: viewerTimeZone });
  const load = () => void loadReport("cycle-time", props.boardId, query());
  createEffect(() => {
    if (!range.problem()) load();
  });
  return (
    <section class="report" aria-labelledby="report-title">
      <ReportHead
        title="Control chart"
        slot="cycle-time"
        download={range.problem() ? null : () => void downloadReport("cycle-time", props.boardId, query())}
      >
        <DateRange range={range} />
        <fieldset class="toggle">
          <legend class="sr-only">Measure</legend>
          <button
            type="button"
            aria-pressed={metric() === "cycle"}
            onClick={() => setQuery({ metric: null }, { replace: true })}
          >
            Cycle time
          </button>
          <button
            type="button"
            aria-pressed={metric() === "lead"}
            onClick={() => setQuery({ metric: "lead" }, { replace: true })}
          >
            Lead time
          </button>
        </fieldset>
      </ReportHead>
      <FieldError message={range.problem()} />
      <Show when={!range.problem()}>
        <ReportBody loaded={reportsStore["cycle-time"]} what="control chart" retry={load}>
          {(report) => <ControlFigure report={report} metric={metric()} boardKey={props.boardKey} />}
        </ReportBody>
      </Show>
    </section>
  );
}

function ControlFigure(props: { report: CycleTime; metric: Metric; boardKey: string }) {
  const chart = createMemo(() => controlChart(props.report, props.metric));
  const stats = () => (props.metric === "cycle" ? props.report.cycle : props.report.lead);
  const name = () => (props.metric === "cycle" ? "Cycle time" : "Lead time");
  const span = (s: number | null) => (s === null ? "—" : elapsed(s));

  const spec = (theme: ChartTheme) => {
    const c = chart();
    const [start, end] = c.range;
    // The percentile lines run across the whole range, not only between the first and last task.
    const x = [start, ...c.x, end];
    const across = (v: number | null) => x.map(() => v);
    const top = Math.max(1, ...c.y.map((v) => v ?? 0), c.p95 ?? 0);
    const unitLabel = c.unit === "days" ? "Days" : "Hours";
    const level = (label: string, stroke: string, v: number | null) => ({
      label,
      stroke,
      width: 1.5,
      dash: [4, 4],
      points: { show: false },
      show: v !== null,
    });
    return {
      options: {
        scales: {
          x: { time: true, range: [start, end] as [number, number] },
          y: { range: [0, top * 1.15] as [number, number] },
        },
        series: [
          {
            label: "Done",
            value: (_u: uPlot, v: number | null) => (v === null ? "—" : when(new Date(v * 1000).toISOString())),
          },
          {
            label: name(),
            stroke: theme.remaining,
            paths: () => null,
            points: { show: true, size: 8, width: 1, fill: theme.tint(theme.remaining, 0.2), stroke: theme.remaining },
          },
          { label: "Rolling average", stroke: theme.scope, width: 2, spanGaps: true, points: { show: false } },
          level("50th percentile", theme.completed, c.p50),
          level("85th percentile", theme.ideal, c.p85),
          level("95th percentile", theme.palette[5] ?? theme.muted, c.p95),
        ],
        axes: [dayAxis(theme), axis(theme, { label: unitLabel, labelSize: 20 })],
      } satisfies Omit<uPlot.Options, "width" | "height">,
      data: [
        x,
        [null, ...c.y, null],
        [null, ...c.rolling, null],
        across(c.p50),
        across(c.p85),
        across(c.p95),
      ] as uPlot.AlignedData,
      tooltip: (idx: number) => {
        const task = c.tasks[idx - 1];
        if (!task) return null;
        const time = props.metric === "cycle" ? task.cycleSeconds : task.leadSeconds;
        return `${task.key} ${task.title}: done ${when(task.resolvedAt)}, ${name().toLowerCase()} ${span(time)}`;
      },
    };
  };

  const weeks = createMemo(() => props.report.throughput);
  const throughputSpec = (theme: ChartTheme) => {
    // A bar per week, centred on its Monday and labelled with it.
    const x = weeks().map((w) => dayStart(w.week));
    const half = 3.5 * 86_400;
    const top = Math.max(1, ...weeks().map((w) => w.count));
    return {
      options: {
        scales: {
          x: { time: true, range: [(x[0] ?? 0) - half, (x.at(-1) ?? 0) + half] as [number, number] },
          y: { range: [0, Math.ceil(top * 1.2)] as [number, number] },
        },
        series: [
          {
            label: "Week",
            value: (_u: uPlot, v: number | null) => (v === null ? "—" : `of ${shortDate(localDate(v))}`),
          },
          {
            label: "Tasks done",
            stroke: theme.completed,
            fill: theme.tint(theme.completed, 0.3),
            paths: throughputBars,
            points: { show: false },
          },
        ],
        axes: [
          dayAxis(theme, {
            // Every week's Monday, or every other one (and so on) when they would not fit.
            splits: (u: uPlot) => {
              const fit = Math.max(1, Math.floor(u.bbox.width / uPlot.pxRatio / 64));
              const every = Math.ceil(x.length / fit);
              return x.filter((_, i) => i % every === 0);
            },
          }),
          axis(theme, { label: "Tasks", labelSize: 20 }),
        ],
      } satisfies Omit<uPlot.Options, "width" | "height">,
      data: [x, weeks().map((w) => w.count)] as uPlot.AlignedData,
    };
  };

  return (
    <Show
      when={props.report.points.length > 0}
      fallback={
        <Empty>
          No task was done between {shortDate(props.report.from)} and {shortDate(props.report.to)}.
        </Empty>
      }
    >
      <figure class="report-figure">
        <figcaption class="summary">
          {name()} of the {stats().count} {stats().count === 1 ? "task" : "tasks"} done between{" "}
          {shortDate(props.report.from)} and {shortDate(props.report.to)}: half within {span(stats().p50Seconds)}, 85%
          within {span(stats().p85Seconds)}, 95% within {span(stats().p95Seconds)}; on average{" "}
          {span(stats().averageSeconds)}.
        </figcaption>
        <Chart name="control" spec={spec} />
        <Figures caption={`${name()} per task done, oldest first`}>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Done</th>
              <th scope="col">Cycle time</th>
              <th scope="col">Lead time</th>
              <th scope="col">Rolling average (cycle)</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.report.points}>
              {(p) => (
                <tr>
                  <th scope="row">
                    <TaskLink boardKey={props.boardKey} taskKey={p.key} /> {p.title}
                  </th>
                  <td>{when(p.resolvedAt)}</td>
                  <td>{p.cycleSeconds === null ? "never in progress" : elapsed(p.cycleSeconds)}</td>
                  <td>{elapsed(p.leadSeconds)}</td>
                  <td>{span(p.rollingAverageSeconds)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </Figures>
      </figure>
      <h2>Throughput</h2>
      <figure class="report-figure">
        <figcaption class="summary">
          Tasks done per week (weeks start on Monday):{" "}
          {weeks()
            .map((w) => `week of ${shortDate(w.week)}: ${w.count}`)
            .join(", ")}
          .
        </figcaption>
        <Chart name="throughput" spec={throughputSpec} height={200} />
      </figure>
    </Show>
  );
}
