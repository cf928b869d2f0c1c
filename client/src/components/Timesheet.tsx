import { createEffect, For, Show } from "solid-js";
import type { BoardState } from "../../../src/domain/model";
import type { TimesheetGrid } from "../../../src/reporting/timesheetReport";
import { boardsStore } from "../stores/boards";
import { downloadReport, loadReport, reportsStore, viewerTimeZone } from "../stores/reports";
import { route, setQuery } from "../stores/route";
import { sessionStore } from "../stores/session";
import { FieldError } from "./common";
import {
  DateRange,
  Empty,
  hours,
  ReportBody,
  ReportHead,
  ScrollTable,
  shortDate,
  TaskLink,
  useRange,
} from "./reportParts";

// Time logged as people by days, in the viewer's time zone: for one board, and
// "My time" across every board the person is on.

export function BoardTimesheet(props: { boardId: string; board: BoardState }) {
  const range = useRange("week");
  const person = () => route.query.person ?? "";
  const query = () => ({ from: range.from(), to: range.to(), timeZone: viewerTimeZone, userId: person() || null });
  const load = () => void loadReport("timesheet", props.boardId, query());
  createEffect(() => {
    if (!range.problem()) load();
  });
  const members = () => Object.values(props.board.members).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section class="report" aria-labelledby="report-title">
      <ReportHead
        title="Timesheet"
        slot="timesheet"
        download={range.problem() ? null : () => void downloadReport("timesheet", props.boardId, query())}
      >
        <DateRange range={range} />
        <label class="inline">
          Person
          <select
            value={person()}
            onChange={(e) => setQuery({ person: e.currentTarget.value || null }, { replace: true })}
          >
            <option value="">Everyone</option>
            <For each={members()}>{(m) => <option value={m.userId}>{m.name}</option>}</For>
          </select>
        </label>
      </ReportHead>
      <FieldError message={range.problem()} />
      <Show when={!range.problem()}>
        <ReportBody loaded={reportsStore.timesheet} what="timesheet" retry={load}>
          {(grid) => (
            <TimesheetView
              grid={grid}
              nameOf={(userId, name) => name ?? props.board.members[userId]?.name ?? "Former member"}
              projects={false}
            />
          )}
        </ReportBody>
      </Show>
    </section>
  );
}

export function MyTime() {
  const range = useRange("week");
  const query = () => ({ from: range.from(), to: range.to(), timeZone: viewerTimeZone });
  const load = () => void loadReport("myTime", null, query());
  createEffect(() => {
    if (!range.problem()) load();
  });
  return (
    <main class="reports">
      <section class="report" aria-labelledby="report-title">
        <ReportHead
          title="My time"
          slot="myTime"
          download={range.problem() ? null : () => void downloadReport("myTime", null, query())}
        >
          <DateRange range={range} />
        </ReportHead>
        <FieldError message={range.problem()} />
        <Show when={!range.problem()}>
          <ReportBody loaded={reportsStore.myTime} what="timesheet" retry={load}>
            {(grid) => (
              <TimesheetView grid={grid} nameOf={(_id, name) => name ?? sessionStore.user?.name ?? "You"} projects />
            )}
          </ReportBody>
        </Show>
      </section>
    </main>
  );
}

function TimesheetView(props: {
  grid: TimesheetGrid;
  nameOf: (userId: string, name: string | null) => string;
  /** Whether the time spans boards: tasks then name their project. */
  projects: boolean;
}) {
  const boardKey = (boardId: string) => boardsStore.boards.find((b) => b.id === boardId)?.key ?? null;
  const cell = (seconds: number) => (seconds > 0 ? hours(seconds) : "");
  const people = () =>
    props.grid.people
      .map((p) => ({ ...p, shownName: props.nameOf(p.userId, p.name) }))
      .sort((a, b) => a.shownName.localeCompare(b.shownName));
  return (
    <Show
      when={props.grid.totalSeconds > 0}
      fallback={
        <Empty>
          No time was logged between {shortDate(props.grid.from)} and {shortDate(props.grid.to)}. Log work from a task's
          Time tracking.
        </Empty>
      }
    >
      <p class="summary">
        {hours(props.grid.totalSeconds)} logged between {shortDate(props.grid.from)} and {shortDate(props.grid.to)}
        {props.grid.people.length > 1 ? ` by ${props.grid.people.length} people` : ""}, in your time zone (
        {props.grid.timeZone}).
      </p>
      <ScrollTable caption="Time logged per person per day" class="timesheet">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <For each={props.grid.dates}>{(d) => <th scope="col">{shortDate(d)}</th>}</For>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          <For each={people()}>
            {(p) => (
              <tr>
                <th scope="row">{p.shownName}</th>
                <For each={p.days}>{(s) => <td>{cell(s)}</td>}</For>
                <td class="total">{hours(p.totalSeconds)}</td>
              </tr>
            )}
          </For>
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <For each={props.grid.dayTotals}>{(s) => <td>{cell(s)}</td>}</For>
            <td class="total" data-testid="timesheet-total">
              {hours(props.grid.totalSeconds)}
            </td>
          </tr>
        </tfoot>
      </ScrollTable>
      <div class="timesheet-totals">
        <ScrollTable caption="Per task">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <Show when={props.projects}>
                <th scope="col">Project</th>
              </Show>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.grid.tasks}>
              {(t) => (
                <tr>
                  <th scope="row">
                    <Show when={boardKey(t.boardId)} fallback={<span class="key">{t.key}</span>}>
                      {(key) => <TaskLink boardKey={key()} taskKey={t.key} />}
                    </Show>{" "}
                    {t.title ?? "(deleted)"}
                  </th>
                  <Show when={props.projects}>
                    <td>{props.grid.boards.find((b) => b.boardId === t.boardId)?.name ?? ""}</td>
                  </Show>
                  <td>{hours(t.seconds)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </ScrollTable>
        <Show when={props.projects}>
          <ScrollTable caption="Per project">
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Time</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.grid.boards}>
                {(b) => (
                  <tr>
                    <th scope="row">{b.name ?? "(deleted board)"}</th>
                    <td>{hours(b.seconds)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </ScrollTable>
        </Show>
      </div>
    </Show>
  );
}
