import { createEffect, createSignal, For, Match, onCleanup, Show, Switch } from "solid-js";
import { boardsStore } from "../stores/boards";
import { type ReportSlot, refreshReport, reportThrough } from "../stores/reports";
import { boardPath, navigate, route, withQuery } from "../stores/route";
import { Loading } from "./common";
import { ControlReport, FlowReport } from "./FlowReports";
import { BurndownReport, SprintReport, VelocityReport } from "./SprintReports";
import { BoardTimesheet } from "./Timesheet";

// A board's reports, one per URL (/p/WEB/reports/burndown…), its settings in the
// query so any view can be linked to. Sprint reports exist on Scrum boards only.

const REPORTS: { id: string; label: string; slot: ReportSlot; scrumOnly: boolean }[] = [
  { id: "burndown", label: "Burndown", slot: "burndown", scrumOnly: true },
  { id: "sprint", label: "Sprint report", slot: "sprint", scrumOnly: true },
  { id: "velocity", label: "Velocity", slot: "velocity", scrumOnly: true },
  { id: "cfd", label: "Cumulative flow", slot: "cfd", scrumOnly: false },
  { id: "control", label: "Control chart", slot: "cycle-time", scrumOnly: false },
  { id: "timesheet", label: "Timesheet", slot: "timesheet", scrumOnly: false },
];

/** How long a report behind the board waits to be asked again: its projection follows the board a moment later. */
const REFRESH_AFTER_MS = 1500;
/** The longest wait between two asks while the report makes no progress (its projection may be failing). */
const REFRESH_AT_MOST_MS = 30_000;

export function Reports() {
  const board = () => boardsStore.board;
  const boardKey = () => board()?.board?.key ?? route.boardKey ?? "";
  const list = () => REPORTS.filter((r) => !r.scrumOnly || board()?.board?.mode === "scrum");
  const current = () => list().find((r) => r.id === route.report) ?? (list()[0] as (typeof REPORTS)[number]);
  const pathOf = (id: string) => boardPath(boardKey(), `reports/${id}`);

  // /p/WEB/reports, or a report this board does not have: the board's first report, under its own URL.
  createEffect(() => {
    if (board() && route.screen === "reports" && route.report !== current().id) {
      navigate(withQuery({}, pathOf(current().id)), { replace: true });
    }
  });

  // The report is behind the board: ask again shortly, keeping the chart on screen
  // meanwhile, and twice as long after each answer that brought nothing newer.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wait = REFRESH_AFTER_MS;
  let lastThrough = -1;
  const [answered, setAnswered] = createSignal(0);
  createEffect(() => {
    answered();
    const slot = current().slot;
    const seq = board()?.seq;
    const through = reportThrough(slot);
    if (timer !== undefined || seq === undefined || through === undefined || through >= seq) return;
    wait = through === lastThrough ? Math.min(wait * 2, REFRESH_AT_MOST_MS) : REFRESH_AFTER_MS;
    lastThrough = through;
    timer = setTimeout(async () => {
      await refreshReport(slot);
      timer = undefined;
      setAnswered((n) => n + 1);
    }, wait);
  });
  onCleanup(() => clearTimeout(timer));

  return (
    <Show when={board() && boardsStore.boardId} fallback={<Loading what="the reports" />}>
      <main class="reports">
        <nav class="report-tabs" aria-label="Reports">
          <For each={list()}>
            {(r) => (
              <a
                href={pathOf(r.id)}
                aria-current={current().id === r.id ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(pathOf(r.id));
                }}
              >
                {r.label}
              </a>
            )}
          </For>
          <a
            class="my-time-link"
            href="/time"
            onClick={(e) => {
              e.preventDefault();
              navigate("/time");
            }}
          >
            My time across boards
          </a>
        </nav>
        <Show when={board()}>
          {(b) => {
            const boardId = () => boardsStore.boardId as string;
            return (
              <Switch>
                <Match when={current().id === "burndown"}>
                  <BurndownReport boardId={boardId()} board={b()} />
                </Match>
                <Match when={current().id === "sprint"}>
                  <SprintReport boardId={boardId()} board={b()} />
                </Match>
                <Match when={current().id === "velocity"}>
                  <VelocityReport boardId={boardId()} board={b()} />
                </Match>
                <Match when={current().id === "cfd"}>
                  <FlowReport boardId={boardId()} />
                </Match>
                <Match when={current().id === "control"}>
                  <ControlReport boardId={boardId()} boardKey={boardKey()} />
                </Match>
                <Match when={current().id === "timesheet"}>
                  <BoardTimesheet boardId={boardId()} board={b()} />
                </Match>
              </Switch>
            );
          }}
        </Show>
      </main>
    </Show>
  );
}
