import { type CycleTime, cycleTime } from "./flowReports";
import type { ReportColumnRow, ReportSprintRow, ReportTaskRow, TransitionRow } from "./schema";
import { velocity } from "./sprintReports";

// Delivery across boards: for each board a person can see, what got done in a range
// (tasks resolved per week, cycle and lead time) and, for Scrum boards, velocity.
// Each board's figures are its own cycle-time and velocity reports, summed up: the
// same functions, fed the rows of many boards at once.

export interface BoardDelivery {
  boardId: string;
  name: string;
  key: string;
  mode: string;
  /** Tasks resolved in the range and done now. */
  done: number;
  throughput: CycleTime["throughput"];
  cycle: CycleTime["cycle"];
  lead: CycleTime["lead"];
  /** Points completed in the last closed sprints (`sprints` of them, oldest first), and their average. */
  velocity: { completed: number[]; averageCompleted: number | null };
}

export interface Delivery {
  timeZone: string;
  from: string;
  to: string;
  boards: BoardDelivery[];
  /** Every board's tasks done, per week. */
  throughput: CycleTime["throughput"];
  done: number;
}

type Keyed<T> = T & { boardId: string };

export function delivery(input: {
  boards: readonly { boardId: string; name: string; key: string; mode: string }[];
  tasks: readonly Keyed<Pick<ReportTaskRow, "key" | "title" | "type" | "columnId" | "createdAt" | "resolvedAt">>[];
  transitions: readonly Keyed<Pick<TransitionRow, "key" | "seq" | "toColumn" | "at">>[];
  columns: readonly ReportColumnRow[];
  sprints: readonly ReportSprintRow[];
  from: string;
  to: string;
  timeZone: string;
  sprintCount: number;
}): Delivery {
  const { from, to, timeZone } = input;
  const of = <T extends { boardId: string }>(rows: readonly T[], boardId: string) =>
    rows.filter((r) => r.boardId === boardId);
  const boards = input.boards.map((board): BoardDelivery => {
    const flow = cycleTime({
      tasks: of(input.tasks, board.boardId),
      transitions: of(input.transitions, board.boardId),
      columns: of(input.columns, board.boardId),
      from,
      to,
      timeZone,
      window: 1,
    });
    const speed = velocity(of(input.sprints, board.boardId), input.sprintCount);
    return {
      ...board,
      done: flow.points.length,
      throughput: flow.throughput,
      cycle: flow.cycle,
      lead: flow.lead,
      velocity: { completed: speed.sprints.map((s) => s.completed), averageCompleted: speed.averageCompleted },
    };
  });
  const weeks = cycleTime({ tasks: [], transitions: [], columns: [], from, to, timeZone, window: 1 }).throughput;
  return {
    timeZone,
    from,
    to,
    boards,
    throughput: weeks.map(({ week }, i) => ({
      week,
      count: boards.reduce((n, b) => n + (b.throughput[i]?.count ?? 0), 0),
    })),
    done: boards.reduce((n, b) => n + b.done, 0),
  };
}
