import { createEffect, createMemo, For, Show } from "solid-js";
import uPlot from "uplot";
import type { BoardState, Sprint } from "../../../src/domain/model";
import { addDays } from "../../../src/reporting/calendar";
import type { Burndown, BurndownChange, ReportItem } from "../../../src/reporting/sprintReports";
import { burndownChart, dayStart, idealBurnup, seconds } from "../charts/chartData";
import { when } from "../format";
import { downloadReport, loadReport, reportsStore, viewerTimeZone } from "../stores/reports";
import { boardPath, navigate, route, setQuery } from "../stores/route";
import { axis, Chart, type ChartTheme, dayAxis } from "./Chart";
import { Empty, Figures, figure, hours, ReportBody, ReportHead, ScrollTable, shortDate, TaskLink } from "./reportParts";

// The Scrum reports: a sprint's burndown (or burnup), its report, and velocity
// across the last sprints.

type Unit = "points" | "time";

const stepped = uPlot.paths.stepped?.({ align: 1 });

/** The sprints that have started, newest first: the ones with a burndown and a report. */
function startedSprints(board: BoardState): Sprint[] {
  return Object.values(board.sprints)
    .filter((s) => s.startedAt !== null)
    .sort((a, b) => b.number - a.number);
}

/** The sprint in the URL, else the running one, else the last one. */
function useSprint(board: () => BoardState) {
  const sprints = createMemo(() => startedSprints(board()));
  const sprint = () =>
    sprints().find((s) => s.id === route.query.sprint) ??
    sprints().find((s) => s.state === "active") ??
    sprints()[0] ??
    null;
  return { sprints, sprint };
}

function SprintPicker(props: { sprints: Sprint[]; sprint: Sprint }) {
  return (
    <label class="inline">
      Sprint
      <select value={props.sprint.id} onChange={(e) => setQuery({ sprint: e.currentTarget.value }, { replace: true })}>
        <For each={props.sprints}>
          {(s) => (
            <option value={s.id}>
              {s.name}
              {s.state === "active" ? " (running)" : ""}
            </option>
          )}
        </For>
      </select>
    </label>
  );
}

function NoSprint(props: { boardKey: string }) {
  const backlog = () => boardPath(props.boardKey, "backlog");
  return (
    <Empty>
      No sprint has started yet — start one from the{" "}
      <a
        href={backlog()}
        onClick={(e) => {
          e.preventDefault();
          navigate(backlog());
        }}
      >
        backlog
      </a>
      .
    </Empty>
  );
}

function Toggle<T extends string>(props: { label: string; value: T; options: [T, string][]; set: (v: T) => void }) {
  return (
    <fieldset class="toggle">
      <legend class="sr-only">{props.label}</legend>
      <For each={props.options}>
        {([value, text]) => (
          <button type="button" aria-pressed={props.value === value} onClick={() => props.set(value)}>
            {text}
          </button>
        )}
      </For>
    </fieldset>
  );
}

// ---- burndown and burnup --------------------------------------------------------

export function BurndownReport(props: { boardId: string; board: BoardState }) {
  const { sprints, sprint } = useSprint(() => props.board);
  const unit = (): Unit =>
    route.query.unit === "time" || route.query.unit === "points"
      ? route.query.unit
      : props.board.settings.estimationStatistic;
  const view = () => (route.query.view === "burnup" ? "burnup" : "burndown");
  const query = () => ({ sprint: sprint()?.id, unit: unit(), timeZone: viewerTimeZone });
  const load = () => void loadReport("burndown", props.boardId, query());
  createEffect(() => {
    if (sprint()) load();
  });
  const title = () => (view() === "burnup" ? "Burnup" : "Burndown");
  return (
    <section class="report" aria-labelledby="report-title">
      <ReportHead
        title={title()}
        slot="burndown"
        download={sprint() ? () => void downloadReport("burndown", props.boardId, query()) : null}
      >
        <Show when={sprint()}>{(s) => <SprintPicker sprints={sprints()} sprint={s()} />}</Show>
        <Toggle
          label="Chart"
          value={view()}
          options={[
            ["burndown", "Burndown"],
            ["burnup", "Burnup"],
          ]}
          set={(v) => setQuery({ view: v === "burndown" ? null : v }, { replace: true })}
        />
        <Toggle
          label="Measure"
          value={unit()}
          options={[
            ["points", "Story points"],
            ["time", "Remaining time"],
          ]}
          set={(v) => setQuery({ unit: v }, { replace: true })}
        />
      </ReportHead>
      <Show when={sprint()} fallback={<NoSprint boardKey={props.board.board?.key ?? ""} />}>
        {(s) => (
          <ReportBody loaded={reportsStore.burndown} what="burndown" retry={load}>
            {(report) => <BurndownFigure report={report} sprint={s()} burnup={view() === "burnup"} />}
          </ReportBody>
        )}
      </Show>
    </section>
  );
}

/** A change as a sentence: "WEB-4 added to the sprint (+8 points)". */
export function describeChange(change: BurndownChange, unit: Unit): string {
  const amount = (n: number) => {
    if (n === 0) return unit === "time" ? "no change in remaining time" : "no change in points";
    const sign = n > 0 ? "+" : "−";
    const size = Math.abs(n);
    return unit === "time" ? `${sign}${hours(size)}` : `${sign}${figure(size)} ${size === 1 ? "point" : "points"}`;
  };
  const what: Record<BurndownChange["kind"], string> = {
    committed: "committed at the start",
    added: "added to the sprint",
    removed: "removed from the sprint",
    points: "re-estimated",
    completed: "done",
    reopened: "reopened",
    estimate: "remaining estimate changed",
  };
  return `${change.key} ${what[change.kind]} (${amount(change.delta)})`;
}

function BurndownFigure(props: { report: Burndown; sprint: Sprint; burnup: boolean }) {
  const unit = () => props.report.unit;
  const per = () => (unit() === "time" ? 3600 : 1);
  const measure = () => (unit() === "time" ? "hours" : "story points");
  const show = (n: number) => (unit() === "time" ? hours(n) : figure(n));
  /** Where the lines end: now for a running sprint (at most its last day), else its completion. */
  const until = () => {
    const s = props.sprint;
    if (s.state === "closed" && s.completedAt) return seconds(s.completedAt);
    const end = s.endDate ? dayStart(addDays(s.endDate, 1)) : Number.POSITIVE_INFINITY;
    return Math.min(Date.now() / 1000, end);
  };
  const chart = createMemo(() => burndownChart(props.report, until(), per()));
  const steps = createMemo(() => props.report.series.filter((p) => p.scopeChange));
  const summary = createMemo(() => {
    const series = props.report.series;
    const first = series[0];
    const last = series.at(-1);
    if (!first || !last) return null;
    const sum = (kind: BurndownChange["kind"]) =>
      series.flatMap((p) => p.changes).reduce((total, c) => (c.kind === kind ? total + Math.abs(c.delta) : total), 0);
    return { committed: first.scope, added: sum("added"), removed: sum("removed"), last };
  });

  const spec = (theme: ChartTheme) => {
    const c = chart();
    const markers: uPlot.Series.Points = {
      show: true,
      size: 10,
      width: 2,
      stroke: theme.scope,
      fill: theme.surface,
      filter: c.scopeSteps,
    };
    const value = (_u: uPlot, v: number | null) => (v === null || v === undefined ? "—" : String(v));
    const line = (label: string, stroke: string, data: (number | null)[], points: uPlot.Series.Points) => ({
      series: { label, stroke, width: 2, paths: stepped, points, value } satisfies uPlot.Series,
      data,
    });
    const lines = props.burnup
      ? [line("Scope", theme.scope, c.scope, markers), line("Completed", theme.completed, c.completed, { show: false })]
      : [line("Remaining", theme.remaining, c.remaining, markers)];
    const options: Omit<uPlot.Options, "width" | "height"> = {
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
      series: [
        { label: "When", value: (_u, v) => (v === null ? "—" : when(new Date(v * 1000).toISOString())) },
        {
          label: props.burnup ? "Ideal burnup" : "Ideal",
          stroke: theme.ideal,
          width: 1.5,
          dash: [6, 4],
          spanGaps: true,
          points: { show: false },
          value,
        },
        ...lines.map((l) => l.series),
      ],
      axes: [dayAxis(theme), axis(theme, { label: unit() === "time" ? "Hours" : "Story points", labelSize: 20 })],
      cursor: { points: { size: 8 } },
      hooks: {
        // Days the team does not work, shaded behind the lines.
        drawClear: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            ctx.fillStyle = theme.nonWorking;
            for (const [start, end] of c.nonWorking) {
              const left = Math.max(u.valToPos(start, "x", true), bbox.left);
              const right = Math.min(u.valToPos(end, "x", true), bbox.left + bbox.width);
              if (right > left) ctx.fillRect(left, bbox.top, right - left, bbox.height);
            }
            ctx.restore();
          },
        ],
      },
    };
    return {
      options,
      data: [c.x, props.burnup ? idealBurnup(c) : c.ideal, ...lines.map((l) => l.data)] as uPlot.AlignedData,
      tooltip: (idx: number) => {
        const point = c.points[idx];
        if (!point || point.changes.length === 0) return null;
        return `${when(point.at)}: ${point.changes.map((ch) => describeChange(ch, unit())).join("; ")}`;
      },
    };
  };

  return (
    <figure class="report-figure">
      <Show when={summary()} fallback={<Empty>Nothing has happened in this sprint yet.</Empty>}>
        {(s) => (
          <figcaption class="summary">
            {props.sprint.name}
            {props.sprint.startDate && props.sprint.endDate
              ? ` (${shortDate(props.sprint.startDate)} to ${shortDate(props.sprint.endDate)})`
              : ""}
            : {show(s().committed)}
            {unit() === "points" ? " story points" : ""} committed, {show(s().added)} added and {show(s().removed)}{" "}
            removed after the start; {show(s().last.completed)} done and {show(s().last.remaining)} remaining
            {props.sprint.state === "closed" ? " at the end" : " now"}.
          </figcaption>
        )}
      </Show>
      <Chart name="burndown" spec={spec} />
      <p class="chart-key">
        <span class="swatch non-working" aria-hidden="true" /> not a working day{" "}
        <span class="swatch marker" aria-hidden="true" /> the scope changed (point at it for the task)
      </p>
      <Show when={steps().length > 0}>
        <h2>Scope changes</h2>
        <ol class="scope-changes">
          <For each={steps()}>
            {(p) => (
              <li>
                <time dateTime={p.at}>{when(p.at)}</time>:{" "}
                {p.changes
                  .filter((ch) => ch.kind !== "completed" && ch.kind !== "reopened" && ch.kind !== "estimate")
                  .map((ch) => describeChange(ch, unit()))
                  .join("; ")}
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Figures caption={`${props.burnup ? "Burnup" : "Burndown"} of ${props.sprint.name}, in ${measure()}`}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Remaining</th>
            <th scope="col">Scope</th>
            <th scope="col">Completed</th>
            <th scope="col">What changed</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.report.series}>
            {(p) => (
              <tr classList={{ "scope-change": p.scopeChange }}>
                <td>{when(p.at)}</td>
                <td>{show(p.remaining)}</td>
                <td>{show(p.scope)}</td>
                <td>{show(p.completed)}</td>
                <td>
                  {p.scopeChange ? "Scope change: " : ""}
                  {p.changes.map((ch) => describeChange(ch, unit())).join("; ")}
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </Figures>
    </figure>
  );
}

// ---- sprint report --------------------------------------------------------------

export function SprintReport(props: { boardId: string; board: BoardState }) {
  const { sprints, sprint } = useSprint(() => props.board);
  const query = () => ({ sprint: sprint()?.id });
  const load = () => void loadReport("sprint", props.boardId, query());
  createEffect(() => {
    if (sprint()) load();
  });
  const boardKey = () => props.board.board?.key ?? "";
  const Group = (group: { title: string; items: { points: number; items: ReportItem[] }; empty: string }) => (
    <section class="report-group" aria-label={group.title}>
      <h2>
        {group.title}{" "}
        <span class="muted">
          ({group.items.items.length} {group.items.items.length === 1 ? "task" : "tasks"}, {figure(group.items.points)}{" "}
          points)
        </span>
      </h2>
      <Show when={group.items.items.length > 0} fallback={<p class="muted">{group.empty}</p>}>
        <ul class="report-items">
          <For each={group.items.items}>
            {(item) => (
              <li>
                <TaskLink boardKey={boardKey()} taskKey={item.key} /> <span>{item.title ?? "(deleted)"}</span>
                <span class="points" title="Story points">
                  {item.points ?? "–"}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
  return (
    <section class="report" aria-labelledby="report-title">
      <ReportHead
        title="Sprint report"
        slot="sprint"
        download={sprint() ? () => void downloadReport("sprint", props.boardId, query()) : null}
      >
        <Show when={sprint()}>{(s) => <SprintPicker sprints={sprints()} sprint={s()} />}</Show>
      </ReportHead>
      <Show when={sprint()} fallback={<NoSprint boardKey={boardKey()} />}>
        <ReportBody loaded={reportsStore.sprint} what="sprint report" retry={load}>
          {(report) => (
            <div class="report-groups">
              <p class="summary">
                {report.sprint.name}
                {report.sprint.state === "closed" ? " (completed)" : " (running)"}: {figure(report.committed.points)}{" "}
                points committed, {figure(report.completed.points)} completed.
              </p>
              <Group title="Completed" items={report.completed} empty="Nothing was completed." />
              <Group title="Not completed" items={report.notCompleted} empty="Everything was completed." />
              <Group title="Added after the start" items={report.addedAfterStart} empty="Nothing was added." />
              <Group title="Removed after the start" items={report.removedAfterStart} empty="Nothing was removed." />
            </div>
          )}
        </ReportBody>
      </Show>
    </section>
  );
}

// ---- velocity -------------------------------------------------------------------

const SPRINT_COUNTS = [3, 5, 7, 10, 15, 20];
const bars = (align: -1 | 1) => uPlot.paths.bars?.({ size: [0.36, 56], align, gap: 2 });

export function VelocityReport(props: { boardId: string; board: BoardState }) {
  const count = () => {
    const n = Number(route.query.sprints);
    return SPRINT_COUNTS.includes(n) ? n : 7;
  };
  const query = () => ({ sprints: count() });
  const load = () => void loadReport("velocity", props.boardId, query());
  createEffect(load);
  const time = () => props.board.settings.estimationStatistic === "time";
  return (
    <section class="report" aria-labelledby="report-title">
      <ReportHead
        title="Velocity"
        slot="velocity"
        download={() => void downloadReport("velocity", props.boardId, query())}
      >
        <label class="inline">
          Last
          <select value={count()} onChange={(e) => setQuery({ sprints: e.currentTarget.value }, { replace: true })}>
            <For each={SPRINT_COUNTS}>{(n) => <option value={n}>{n} sprints</option>}</For>
          </select>
        </label>
      </ReportHead>
      <ReportBody loaded={reportsStore.velocity} what="velocity chart" retry={load}>
        {(report) => {
          // Estimated in time: original estimates in hours, where the sprints recorded them.
          const inTime = () => time() && report.sprints.some((s) => s.committedSeconds !== null);
          const committed = () =>
            report.sprints.map((s) => (inTime() ? (s.committedSeconds ?? 0) / 3600 : s.committed));
          const completed = () =>
            report.sprints.map((s) => (inTime() ? (s.completedSeconds ?? 0) / 3600 : s.completed));
          const show = (n: number) => (inTime() ? hours(Math.round(n * 3600)) : figure(n));
          const average = () => {
            const done = completed();
            return done.length === 0 ? null : done.reduce((a, b) => a + b, 0) / done.length;
          };
          const spec = (theme: ChartTheme) => {
            const names = report.sprints.map((s) => s.name);
            const x = names.map((_, i) => i);
            const top = Math.max(1, ...committed(), ...completed());
            return {
              options: {
                scales: {
                  x: { time: false, range: [-0.5, Math.max(0.5, names.length - 0.5)] },
                  y: { range: [0, Math.ceil(top * 1.15)] },
                },
                series: [
                  { label: "Sprint", value: (_u, v) => names[v] ?? "" },
                  {
                    label: "Committed",
                    stroke: theme.ideal,
                    fill: theme.tint(theme.ideal, 0.45),
                    paths: bars(-1),
                    points: { show: false },
                  },
                  {
                    label: "Completed",
                    stroke: theme.completed,
                    fill: theme.tint(theme.completed, 0.2),
                    paths: bars(1),
                    points: { show: false },
                  },
                  {
                    label: "Average completed",
                    stroke: theme.scope,
                    dash: [6, 4],
                    width: 1.5,
                    points: { show: false },
                  },
                ],
                axes: [
                  axis(theme, { splits: () => x, values: (_u, splits) => splits.map((i) => names[i] ?? "") }),
                  axis(theme, { label: inTime() ? "Hours" : "Story points", labelSize: 20 }),
                ],
              } satisfies Omit<uPlot.Options, "width" | "height">,
              data: [x, committed(), completed(), x.map(() => average())] as uPlot.AlignedData,
            };
          };
          return (
            <Show
              when={report.sprints.length > 0}
              fallback={<Empty>No sprint has been completed yet — velocity shows once the first one is.</Empty>}
            >
              <figure class="report-figure">
                <figcaption class="summary">
                  {report.sprints.length === 1 ? "The last sprint" : `The last ${report.sprints.length} sprints`}:{" "}
                  {average() === null
                    ? ""
                    : `on average ${show(average() as number)} ${inTime() ? "" : "points "}completed.`}
                </figcaption>
                <Chart name="velocity" spec={spec} />
                <ScrollTable
                  caption={`Committed and completed per sprint, ${inTime() ? "in original estimates" : "in story points"}`}
                >
                  <thead>
                    <tr>
                      <th scope="col">Sprint</th>
                      <th scope="col">Committed</th>
                      <th scope="col">Completed</th>
                      <th scope="col">Added after the start (points)</th>
                      <th scope="col">Removed (points)</th>
                      <th scope="col">Completed on</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={report.sprints}>
                      {(s, i) => (
                        <tr>
                          <th scope="row">{s.name}</th>
                          <td>{show(committed()[i()] ?? 0)}</td>
                          <td>{show(completed()[i()] ?? 0)}</td>
                          <td>{figure(s.addedAfterStart)}</td>
                          <td>{figure(s.removedAfterStart)}</td>
                          <td>{when(s.completedAt)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </ScrollTable>
              </figure>
            </Show>
          );
        }}
      </ReportBody>
    </section>
  );
}
