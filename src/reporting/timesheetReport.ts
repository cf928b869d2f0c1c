import { datesFrom, dayIn } from "./calendar";
import type { ReportWorklogRow } from "./schema";

// Time logged as a grid of people by days, in the viewer's time zone: a worklog
// counts on the day its work started as the viewer sees it.

export interface TimesheetGrid {
  timeZone: string;
  from: string;
  to: string;
  dates: string[];
  /** One row per person, a figure per date (seconds), in the order of `dates`. */
  people: { userId: string; name: string | null; days: number[]; totalSeconds: number }[];
  /** Per task, across the range. */
  tasks: { boardId: string; key: string; title: string | null; seconds: number }[];
  /** Per board (a board is the project its tasks belong to). */
  boards: { boardId: string; name: string | null; seconds: number }[];
  /** Everyone's time per date. */
  dayTotals: number[];
  totalSeconds: number;
}

export function timesheetGrid(input: {
  worklogs: readonly ReportWorklogRow[];
  from: string;
  to: string;
  timeZone: string;
  names?: ReadonlyMap<string, string>;
  titles?: ReadonlyMap<string, string>;
  boardNames?: ReadonlyMap<string, string>;
}): TimesheetGrid {
  const { from, to, timeZone } = input;
  const dates = datesFrom(from, to);
  const index = new Map(dates.map((d, i) => [d, i]));
  const people = new Map<string, number[]>();
  const tasks = new Map<string, { boardId: string; key: string; seconds: number }>();
  const boards = new Map<string, number>();
  const dayTotals = dates.map(() => 0);
  let total = 0;
  for (const w of input.worklogs) {
    const day = index.get(dayIn(timeZone, w.startedAt));
    if (day === undefined) continue;
    const row = people.get(w.authorId) ?? dates.map(() => 0);
    row[day] = (row[day] ?? 0) + w.seconds;
    people.set(w.authorId, row);
    const taskId = `${w.boardId}|${w.key}`;
    const task = tasks.get(taskId) ?? { boardId: w.boardId, key: w.key, seconds: 0 };
    task.seconds += w.seconds;
    tasks.set(taskId, task);
    boards.set(w.boardId, (boards.get(w.boardId) ?? 0) + w.seconds);
    dayTotals[day] = (dayTotals[day] ?? 0) + w.seconds;
    total += w.seconds;
  }
  const byKey = (a: { key: string; boardId: string }, b: { key: string; boardId: string }) =>
    a.boardId < b.boardId ? -1 : a.boardId > b.boardId ? 1 : taskNumber(a.key) - taskNumber(b.key);
  return {
    timeZone,
    from,
    to,
    dates,
    people: [...people]
      .map(([userId, days]) => ({
        userId,
        name: input.names?.get(userId) ?? null,
        days,
        totalSeconds: days.reduce((s, n) => s + n, 0),
      }))
      .sort((a, b) => (a.userId < b.userId ? -1 : 1)),
    tasks: [...tasks.values()]
      .sort(byKey)
      .map((t) => ({ ...t, title: input.titles?.get(`${t.boardId}|${t.key}`) ?? null })),
    boards: [...boards]
      .map(([boardId, seconds]) => ({ boardId, name: input.boardNames?.get(boardId) ?? null, seconds }))
      .sort((a, b) => (a.boardId < b.boardId ? -1 : 1)),
    dayTotals,
    totalSeconds: total,
  };
}

function taskNumber(key: string): number {
  return Number(key.slice(key.lastIndexOf("-") + 1)) || 0;
}
