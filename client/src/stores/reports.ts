import { createStore, reconcile } from "solid-js/store";
import { api, type ReportName, type ReportQuery, type Reports } from "../api";
import { saveFile } from "../download";
import { toast } from "./toasts";

// The reports on screen: each one's last answer, whether it is loading and what went
// wrong, kept per report so going back to one shows it at once while it refreshes.
// Figures come from the board's reporting projection, a moment behind the board: each
// answer says how far into the board's log it is, and the reports screen asks again
// while that is behind the board (`refreshReport`).

/** Where each report's answer is kept: a board's reports by name, and the person's own time across boards. */
export type ReportSlot = ReportName | "myTime";
type SlotData = Reports & { myTime: Reports["timesheet"] };

export interface Loaded<T> {
  /** What was asked (board, report, query): an answer to an older question is dropped. */
  request: string | null;
  data: T | null;
  loading: boolean;
  error: string | null;
}

type ReportsState = { [S in ReportSlot]: Loaded<SlotData[S]> } & {
  /** The report whose CSV is being made, if any. */
  downloading: ReportSlot | null;
};

const empty = { request: null, data: null, loading: false, error: null };
const [state, setState] = createStore<ReportsState>({
  burndown: { ...empty },
  sprint: { ...empty },
  velocity: { ...empty },
  cfd: { ...empty },
  "cycle-time": { ...empty },
  timesheet: { ...empty },
  myTime: { ...empty },
  downloading: null,
});

export const reportsStore = state;

const LABELS: Record<ReportSlot, string> = {
  burndown: "burndown",
  sprint: "sprint report",
  velocity: "velocity chart",
  cfd: "cumulative flow",
  "cycle-time": "control chart",
  timesheet: "timesheet",
  myTime: "timesheet",
};

/** The viewer's own time zone: every report's days are theirs. */
export const viewerTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

const apiName = (slot: ReportSlot): ReportName => (slot === "myTime" ? "timesheet" : slot);

/**
 * Loads a report for the board (`boardId` null: the person's own time across their
 * boards). The same question again refreshes quietly, keeping what is on screen.
 */
export async function loadReport(slot: ReportSlot, boardId: string | null, query: ReportQuery): Promise<void> {
  const request = JSON.stringify([boardId, slot, query]);
  const quiet = state[slot].request === request && state[slot].data !== null;
  if (!quiet) setState(slot, { request, data: null, loading: true, error: null });
  try {
    const data = await api.report(boardId, apiName(slot), query);
    if (state[slot].request !== request) return;
    setState(slot, "data", reconcile(data as never));
    setState(slot, { loading: false, error: null });
  } catch (error) {
    if (state[slot].request !== request) return;
    const message = (error as Error).message;
    setState(slot, { loading: false, error: message });
    if (!quiet) toast(`The ${LABELS[slot]} could not be loaded: ${message}`);
  }
}

/** Asks again for the report on screen, keeping it shown meanwhile. */
export async function refreshReport(slot: ReportSlot): Promise<void> {
  const request = state[slot].request;
  if (!request) return;
  const [boardId, , query] = JSON.parse(request) as [string | null, ReportSlot, ReportQuery];
  await loadReport(slot, boardId, query);
}

/** The last of the board's events the report on screen includes; undefined when none is shown. */
export function reportThrough(slot: ReportSlot): number | undefined {
  const data = state[slot].data;
  return data && "throughSeq" in data ? data.throughSeq : undefined;
}

/** Downloads the report as the API's CSV, under the file name the API gives it. */
export async function downloadReport(slot: ReportSlot, boardId: string | null, query: ReportQuery): Promise<void> {
  setState("downloading", slot);
  try {
    const { text, fileName } = await api.reportCsv(boardId, apiName(slot), query);
    saveFile(text, fileName, "text/csv;charset=utf-8");
  } catch (error) {
    toast(`The ${LABELS[slot]} could not be downloaded: ${(error as Error).message}`);
  } finally {
    setState("downloading", null);
  }
}
