import { createVirtualizer, defaultRangeExtractor } from "@tanstack/solid-virtual";
import { createEffect, createMemo, createSelector, createSignal, For, onCleanup, Show } from "solid-js";
import {
  type BoardState,
  type Column,
  orderedColumns,
  PRIORITIES,
  type Priority,
  shownInColumn,
  type Task,
} from "../../../src/domain/model";
import type { PresenceEntry } from "../../../src/domain/protocol";
import { rowsOf } from "../stores/boards";
import type { ClientCommand } from "../sync/SyncEngine";
import { Avatar } from "./common";

// The Kanban board: columns (optionally split into swimlanes) of cards. Cards move by
// pointer (mouse, touch, pen: one code path) or by keyboard — Space picks a card up,
// arrows move it, Space drops, Escape cancels — and every step is announced.
//
// A long cell (a column of a large board) scrolls on its own and renders only the
// cards in view: a 5,000-task board has a few dozen cards in the page, not 5,000.
// Nothing per pointer move walks a column: the drop position is a binary search
// over card offsets, and each card learns whether the placeholder is before it
// through a selector, not by scanning its cell.

/** Cells with more cards than this render only the cards in view. */
const VIRTUAL_FROM = 40;
/** A card's height before it is measured; close to a one-line card's. */
const CARD_ESTIMATE_PX = 92;
/** The gap between cards (0.45rem of the cell's flex gap). */
const CARD_GAP_PX = 7;

export type LaneMode = "none" | "assignee" | "epic" | "priority";

interface Lane {
  id: string;
  title: string;
  holds: (task: Task) => boolean;
  /** What dropping a card into this lane changes besides its column. */
  changes: Record<string, unknown> | null;
}

export interface BoardViewProps {
  board: BoardState;
  /** Changes with every change of `board`: the columns are recomputed from its plain rows then (see `rowsOf`). */
  version: number;
  readOnly: boolean;
  lanes: LaneMode;
  shows: (task: Task) => boolean;
  /** Scrum: only the active sprints' tasks are on the board. */
  sprintIds: string[] | null;
  me: string;
  presence: PresenceEntry[];
  open: (key: string) => void;
  move: (command: ClientCommand, also: Record<string, unknown> | null, key: string) => void;
  dragging: (key: string | null) => void;
  announce: (text: string) => void;
}

interface Target {
  columnId: string;
  laneId: string;
  index: number;
}

export function BoardView(props: BoardViewProps) {
  const columns = createMemo(() => orderedColumns(props.board));
  const allTasks = createMemo(() => {
    void props.version;
    const tasks = rowsOf(props.board.tasks);
    const sprints = props.sprintIds;
    return sprints === null ? tasks : tasks.filter((t) => t.sprintId !== null && sprints.includes(t.sprintId));
  });
  const columnTasks = createMemo(() => {
    const byColumn = new Map<string, Task[]>();
    for (const column of columns()) byColumn.set(column.id, shownInColumn(allTasks(), column.id));
    return byColumn;
  });
  // The same lanes stay the same objects while the tasks change under them: a new
  // lane list would rebuild every cell, and take keyboard focus off the card it is on.
  const lanes = createMemo(() => lanesFor(props.board, props.lanes, allTasks()), [], {
    equals: (a, b) => a.length === b.length && a.every((lane, i) => lane.id === b[i]?.id && lane.title === b[i]?.title),
  });
  const cardsIn = (columnId: string, lane: Lane) =>
    (columnTasks().get(columnId) ?? []).filter((t) => props.shows(t) && lane.holds(t));

  const [target, setTarget] = createSignal<Target | null>(null);
  const [carried, setCarried] = createSignal<string | null>(null);
  const [ghost, setGhost] = createSignal<{ x: number; y: number; task: Task } | null>(null);
  let suppressClick = false;
  /** How a virtualized cell finds the drop position: its cards are not all in the page to measure. */
  const dropIndexIn = new WeakMap<HTMLElement, (y: number, key: string) => number>();

  const columnName = (id: string) => props.board.columns[id]?.name ?? id;
  const laneOf = (key: string) => lanes().find((l) => l.holds(props.board.tasks[key] as Task)) ?? lanes()[0];

  /** The visible cards of a cell without the carried one: what an index counts. */
  const others = (columnId: string, laneId: string, key: string) => {
    const lane = lanes().find((l) => l.id === laneId);
    return lane ? cardsIn(columnId, lane).filter((t) => t.key !== key) : [];
  };

  const drop = (key: string, to: Target) => {
    const task = props.board.tasks[key];
    if (!task) return;
    const list = others(to.columnId, to.laneId, key);
    const index = Math.min(to.index, list.length);
    const before = list[index];
    const after = list[index - 1];
    const command: ClientCommand = {
      type: "moveTask",
      key,
      columnId: to.columnId,
      ...(before ? { beforeKey: before.key } : after ? { afterKey: after.key } : { position: "bottom" as const }),
    };
    const lane = lanes().find((l) => l.id === to.laneId);
    const fromLane = laneOf(key);
    props.move(command, lane && lane.id !== fromLane?.id ? lane.changes : null, key);
  };

  // ---- pointer --------------------------------------------------------------

  /**
   * The card under a pressed pointer. A finger must rest on a card for a moment
   * before it picks it up (`ready`), so swiping across cards still scrolls the board.
   */
  let pressed: { key: string; x: number; y: number; id: number; ready: boolean } | null = null;
  let hold: ReturnType<typeof setTimeout> | undefined;
  const TOUCH_HOLD_MS = 300;

  const targetAt = (x: number, y: number, key: string): Target | null => {
    const cell = document.elementsFromPoint(x, y).find((el) => el instanceof HTMLElement && el.dataset.cell) as
      | HTMLElement
      | undefined;
    if (!cell) return null;
    const columnId = cell.dataset.column ?? "";
    const laneId = cell.dataset.lane ?? "";
    const virtual = dropIndexIn.get(cell);
    if (virtual) return { columnId, laneId, index: virtual(y, key) };
    const cards = [...cell.querySelectorAll<HTMLElement>("[data-key]")].filter((el) => el.dataset.key !== key);
    // Cards are stacked top to bottom: a binary search reads a dozen positions, not a whole column's.
    let low = 0;
    let high = cards.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const r = (cards[mid] as HTMLElement).getBoundingClientRect();
      if (y < r.top + r.height / 2) high = mid;
      else low = mid + 1;
    }
    const index = low;
    return { columnId, laneId, index };
  };

  const pickUp = (key: string) => {
    if (!props.board.tasks[key]) return;
    setCarried(key);
    props.dragging(key);
    props.announce(`Dragging ${key}.`);
  };
  const release = () => {
    pressed = null;
    clearTimeout(hold);
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onUp);
    window.removeEventListener("pointercancel", onUp);
  };
  // While a card is carried by a finger, the page must not scroll under it.
  const holdStill = (e: TouchEvent) => {
    if (carried() !== null) e.preventDefault();
  };
  window.addEventListener("touchmove", holdStill, { passive: false });

  const onMove = (e: PointerEvent) => {
    if (!pressed || e.pointerId !== pressed.id) return;
    const key = pressed.key;
    const moved = Math.hypot(e.clientX - pressed.x, e.clientY - pressed.y) >= 6;
    if (!pressed.ready) {
      // A finger that moves before the hold is over is scrolling, not dragging.
      if (moved) release();
      return;
    }
    if (carried() !== key) {
      if (!moved) return;
      pickUp(key);
    }
    const task = props.board.tasks[key];
    if (task) setGhost({ x: e.clientX, y: e.clientY, task });
    setTarget(targetAt(e.clientX, e.clientY, key));
  };
  const onUp = (e: PointerEvent) => {
    if (!pressed || e.pointerId !== pressed.id) return;
    const key = pressed.key;
    release();
    if (carried() !== key) return;
    suppressClick = true;
    setTimeout(() => {
      suppressClick = false;
    }, 0);
    const to = e.type === "pointerup" ? target() : null;
    setCarried(null);
    setGhost(null);
    setTarget(null);
    props.dragging(null);
    if (to) {
      drop(key, to);
      props.announce(`Dropped ${key} in ${columnName(to.columnId)}.`);
    } else props.announce(`Move of ${key} cancelled.`);
  };
  const onPointerDown = (e: PointerEvent, key: string) => {
    if (props.readOnly || e.button !== 0 || carried() !== null) return;
    const touch = e.pointerType === "touch";
    pressed = { key, x: e.clientX, y: e.clientY, id: e.pointerId, ready: !touch };
    if (touch) {
      hold = setTimeout(() => {
        if (pressed?.key !== key) return;
        pressed.ready = true;
        pickUp(key);
      }, TOUCH_HOLD_MS);
    }
    window.addEventListener("pointermove", onMove);
    window.addEventListener("pointerup", onUp);
    window.addEventListener("pointercancel", onUp);
  };
  onCleanup(() => {
    release();
    window.removeEventListener("touchmove", holdStill);
  });

  // ---- keyboard -------------------------------------------------------------

  const focusCard = (key: string) =>
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus());

  const describeTarget = (key: string, to: Target) => {
    const count = others(to.columnId, to.laneId, key).length + 1;
    return `${columnName(to.columnId)}, position ${Math.min(to.index, count - 1) + 1} of ${count}`;
  };

  const onCardKey = (e: KeyboardEvent, task: Task, columnIndex: number) => {
    const key = task.key;
    const cols = columns();
    if (carried() === key && target()) {
      const to = target() as Target;
      const colAt = cols.findIndex((c) => c.id === to.columnId);
      let next: Target | null = null;
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        const c = cols[colAt + (e.key === "ArrowLeft" ? -1 : 1)];
        if (c) next = { ...to, columnId: c.id, index: Math.min(to.index, others(c.id, to.laneId, key).length) };
      } else if (e.key === "ArrowUp") next = { ...to, index: Math.max(0, to.index - 1) };
      else if (e.key === "ArrowDown")
        next = { ...to, index: Math.min(others(to.columnId, to.laneId, key).length, to.index + 1) };
      else if (e.key === " " || e.key === "Enter") {
        e.preventDefault();
        setCarried(null);
        setTarget(null);
        props.dragging(null);
        drop(key, to);
        props.announce(`Dropped ${key} in ${describeTarget(key, to)}.`);
        focusCard(key);
        return;
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        setCarried(null);
        setTarget(null);
        props.dragging(null);
        props.announce(`Move cancelled; ${key} stays in ${columnName(task.columnId)}.`);
        return;
      }
      if (next) {
        e.preventDefault();
        setTarget(next);
        props.announce(`${key}: ${describeTarget(key, next)}.`);
      }
      return;
    }
    if (e.key === "Enter") {
      e.preventDefault();
      props.open(key);
    } else if (e.key === " " && !props.readOnly) {
      e.preventDefault();
      const lane = laneOf(key);
      if (!lane) return;
      const index = others(task.columnId, lane.id, "").findIndex((t) => t.key === key);
      setCarried(key);
      setTarget({ columnId: task.columnId, laneId: lane.id, index: Math.max(0, index) });
      props.dragging(key);
      props.announce(
        `Picked up ${key}, ${task.title}, in ${columnName(task.columnId)}. Arrow keys move it, Space drops it, Escape cancels.`,
      );
    } else if (["ArrowDown", "ArrowUp", "j", "k", "ArrowLeft", "ArrowRight"].includes(e.key)) {
      e.preventDefault();
      const cards = [
        ...document.querySelectorAll<HTMLElement>(`[data-cell][data-column="${CSS.escape(task.columnId)}"] [data-key]`),
      ];
      const at = cards.findIndex((el) => el.dataset.key === key);
      if (e.key === "ArrowDown" || e.key === "j") (cards[at + 1] ?? nextInBoard(key, 1))?.focus();
      else if (e.key === "ArrowUp" || e.key === "k") (cards[at - 1] ?? nextInBoard(key, -1))?.focus();
      else {
        const c = cols[columnIndex + (e.key === "ArrowLeft" ? -1 : 1)];
        if (c)
          document.querySelector<HTMLElement>(`[data-cell][data-column="${CSS.escape(c.id)}"] [data-key]`)?.focus();
      }
    }
  };

  // ---- rendering ------------------------------------------------------------

  const presenceOn = (key: string) =>
    props.presence.filter((p) => p.taskKey === key && p.userId !== props.me && p.activity !== "viewing");

  /** `row`: where the card sits in a virtualized cell, and how the cell measures it. */
  const Card = (cardProps: {
    task: Task;
    columnIndex: number;
    row?: { index: number; start: number; measure: (el: HTMLLIElement) => void };
  }) => {
    // Through the store, so the card follows its task's fields one by one.
    const t = () => props.board.tasks[cardProps.task.key] ?? cardProps.task;
    const member = () => (t().assigneeId ? props.board.members[t().assigneeId as string] : undefined);
    const progress = () => {
      const spent = t().timeSpentSeconds;
      const left = t().remainingEstimateSeconds ?? 0;
      return spent + left === 0 ? null : Math.round((spent / (spent + left)) * 100);
    };
    return (
      <li
        ref={(el) => cardProps.row && queueMicrotask(() => cardProps.row?.measure(el))}
        class="card"
        classList={{ carried: carried() === t().key, [`type-${t().type}`]: true, "virtual-row": !!cardProps.row }}
        style={cardProps.row ? { transform: `translateY(${cardProps.row.start}px)` } : undefined}
        data-index={cardProps.row?.index}
        data-key={t().key}
        tabindex="0"
        aria-roledescription={props.readOnly ? "card" : "draggable card"}
        aria-label={`${t().key} ${t().title}`}
        aria-describedby="card-help"
        onPointerDown={(e) => onPointerDown(e, t().key)}
        onClick={() => {
          if (!suppressClick) props.open(t().key);
        }}
        onKeyDown={(e) => onCardKey(e, t(), cardProps.columnIndex)}
      >
        <div class="card-top">
          <span class={`type-badge ${t().type}`} title={t().type}>
            {t().type}
          </span>
          <span class="key">{t().key}</span>
          <span class={`priority ${t().priority}`} title={`${t().priority} priority`}>
            {priorityMark(t().priority)}
          </span>
          <For each={presenceOn(t().key)}>
            {(p) => <Avatar userId={p.userId} name={p.name} size="small" note={`${p.activity} this`} />}
          </For>
        </div>
        <p class="title">{t().title}</p>
        <div class="card-bottom">
          <For each={t().labels}>{(label) => <span class="label">{label}</span>}</For>
          <span class="spacer" />
          <Show when={t().storyPoints !== null}>
            <span class="points" title="Story points">
              {t().storyPoints}
            </span>
          </Show>
          <Show when={member()} fallback={<span class="unassigned" title="Unassigned" />}>
            {(m) => <Avatar userId={m().userId} name={m().name} size="small" />}
          </Show>
        </div>
        <Show when={progress() !== null}>
          <div
            class="progress"
            role="progressbar"
            aria-label="Time logged"
            aria-valuenow={progress() ?? 0}
            aria-valuemin="0"
            aria-valuemax="100"
          >
            <span style={{ width: `${progress()}%` }} />
          </div>
        </Show>
      </li>
    );
  };

  const Cell = (cellProps: { column: Column; columnIndex: number; lane: Lane }) => {
    const cards = createMemo(() => cardsIn(cellProps.column.id, cellProps.lane));
    const here = createMemo(() => {
      const to = target();
      return to && to.columnId === cellProps.column.id && to.laneId === cellProps.lane.id ? to : null;
    });
    /** Where the carried card is in this cell (-1 when elsewhere): found once per pick-up, not per move. */
    const carriedAt = createMemo(() => {
      const key = carried();
      return key ? cards().findIndex((t) => t.key === key) : -1;
    });
    /**
     * Where the carried card would land: before this card's key, or "end". The carried
     * card itself stays where it is (dimmed) so keyboard focus never leaves it.
     */
    const landsBefore = createMemo(() => {
      const to = here();
      if (!to || !carried()) return null;
      const at = carriedAt();
      // The index counts the other cards: skip over the carried one.
      const index = at !== -1 && at <= to.index ? to.index + 1 : to.index;
      return cards()[index]?.key ?? "end";
    });
    const isLandingBefore = createSelector(landsBefore);
    const label = () => `${cellProps.column.name}${cellProps.lane.id === "all" ? "" : `, ${cellProps.lane.title}`}`;

    const Plain = () => (
      <ol
        class="cell"
        classList={{ "drop-target": here() !== null }}
        data-cell="1"
        data-column={cellProps.column.id}
        data-lane={cellProps.lane.id}
        aria-label={label()}
      >
        <For each={cards()}>
          {(task) => (
            <>
              <Show when={isLandingBefore(task.key)}>
                <li class="placeholder" aria-hidden="true" />
              </Show>
              <Card task={task} columnIndex={cellProps.columnIndex} />
            </>
          )}
        </For>
        <Show when={isLandingBefore("end")}>
          <li class="placeholder" aria-hidden="true" />
        </Show>
      </ol>
    );

    const Virtual = () => {
      let scroller!: HTMLDivElement;
      const virtualizer = createVirtualizer<HTMLDivElement, HTMLLIElement>({
        get count() {
          return cards().length;
        },
        getScrollElement: () => scroller,
        estimateSize: () => CARD_ESTIMATE_PX,
        gap: CARD_GAP_PX,
        overscan: 6,
        getItemKey: (index) => cards()[index]?.key ?? index,
        // A card is sized by the resize observer, which reports every new card's size after
        // one layout; the default reads each card's height as it mounts, a layout per card.
        measureElement: (element, entry, instance) => {
          const box = entry?.borderBoxSize[0];
          if (box) return Math.round(box.blockSize);
          const index = instance.indexFromElement(element);
          return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? CARD_ESTIMATE_PX;
        },
        // The carried card stays in the page while the cell scrolls, so keyboard focus stays on it.
        rangeExtractor: (range) => {
          const indexes = defaultRangeExtractor(range);
          const at = carriedAt();
          return at === -1 || indexes.includes(at) ? indexes : [...indexes, at].sort((a, b) => a - b);
        },
      });
      const byKey = createMemo(() => new Map(cards().map((t, i) => [t.key, i])));
      const dropIndex = (y: number, key: string) => {
        const offset = y - scroller.getBoundingClientRect().top + scroller.scrollTop;
        const items = virtualizer.measurementsCache;
        let low = 0;
        let high = items.length;
        while (low < high) {
          const mid = (low + high) >> 1;
          const item = items[mid];
          if (item && offset < item.start + item.size / 2) high = mid;
          else low = mid + 1;
        }
        const at = byKey().get(key) ?? -1;
        return at !== -1 && at < low ? low - 1 : low;
      };
      const marker = () => {
        const before = landsBefore();
        if (before === null) return null;
        if (before === "end") return virtualizer.getTotalSize();
        const item = virtualizer.measurementsCache[byKey().get(before) ?? -1];
        return item ? item.start : null;
      };
      // A keyboard move scrolls the cell so the place the card would land is in view.
      createEffect(() => {
        const before = landsBefore();
        if (before === null) return;
        const index = before === "end" ? cards().length - 1 : (byKey().get(before) ?? -1);
        if (index >= 0) virtualizer.scrollToIndex(index, { align: "auto" });
      });
      return (
        <div
          ref={(el) => {
            scroller = el;
            dropIndexIn.set(el, dropIndex);
          }}
          class="cell virtual"
          classList={{ "drop-target": here() !== null }}
          data-cell="1"
          data-column={cellProps.column.id}
          data-lane={cellProps.lane.id}
        >
          <ol class="virtual-list" aria-label={label()} style={{ height: `${virtualizer.getTotalSize()}px` }}>
            <For each={virtualizer.getVirtualItems()}>
              {(item) => {
                const task = () => cards()[item.index];
                return (
                  <Show when={task()}>
                    {(t) => (
                      <Card
                        task={t()}
                        columnIndex={cellProps.columnIndex}
                        row={{ index: item.index, start: item.start, measure: virtualizer.measureElement }}
                      />
                    )}
                  </Show>
                );
              }}
            </For>
            <Show when={marker() !== null}>
              <li class="placeholder marker" aria-hidden="true" style={{ top: `${(marker() ?? 0) - 5}px` }} />
            </Show>
          </ol>
        </div>
      );
    };

    return (
      <Show when={cards().length > VIRTUAL_FROM} fallback={<Plain />}>
        <Virtual />
      </Show>
    );
  };

  return (
    <div class="board" classList={{ "read-only": props.readOnly, dragging: carried() !== null }}>
      <p id="card-help" class="sr-only">
        Enter opens the card. Space picks it up to move it with the arrow keys.
      </p>
      <div class="column-heads" style={{ "--columns": String(columns().length) }}>
        <For each={columns()}>
          {(column) => {
            const count = () => (columnTasks().get(column.id) ?? []).length;
            const over = () => column.wipLimit !== null && count() > column.wipLimit;
            const full = () => column.wipLimit !== null && count() >= column.wipLimit && column.wipMode === "hard";
            return (
              <h2
                class="column-head"
                classList={{ over: over(), full: full() }}
                data-column-head={column.id}
                aria-label={`${column.name}: ${count()} cards${column.wipLimit !== null ? `, ${column.wipMode} limit ${column.wipLimit}` : ""}${over() ? ", over its limit" : ""}`}
              >
                <span class="column-name">{column.name}</span> <span class="count">{count()}</span>
                <Show when={column.wipLimit !== null}>
                  <span class="wip" title={`${column.wipMode === "hard" ? "Hard" : "Soft"} WIP limit`}>
                    / {column.wipLimit} {column.wipMode === "hard" ? "max" : ""}
                  </span>
                </Show>
                <Show when={over()}>
                  <span class="over-note">over limit</span>
                </Show>
              </h2>
            );
          }}
        </For>
      </div>
      <For each={lanes()}>
        {(lane) => (
          <section class="lane" aria-label={lane.id === "all" ? "Cards" : `Swimlane ${lane.title}`}>
            <Show when={lane.id !== "all"}>
              <h3 class="lane-title">{lane.title}</h3>
            </Show>
            <div class="cells" style={{ "--columns": String(columns().length) }}>
              <For each={columns()}>{(column, i) => <Cell column={column} columnIndex={i()} lane={lane} />}</For>
            </div>
          </section>
        )}
      </For>
      <Show when={ghost()}>
        {(g) => (
          <div class="ghost" style={{ left: `${g().x + 8}px`, top: `${g().y + 8}px` }} aria-hidden="true">
            <span class="key">{g().task.key}</span> {g().task.title}
          </div>
        )}
      </Show>
    </div>
  );

  function nextInBoard(key: string, step: number): HTMLElement | undefined {
    const all = [...document.querySelectorAll<HTMLElement>("[data-cell] [data-key]")];
    const at = all.findIndex((el) => el.dataset.key === key);
    return all[at + step];
  }
}

function priorityMark(priority: Priority): string {
  return { highest: "⇈", high: "↑", medium: "=", low: "↓", lowest: "⇊" }[priority];
}

function lanesFor(board: BoardState, mode: LaneMode, tasks: Task[]): Lane[] {
  switch (mode) {
    case "assignee": {
      const ids = new Set(tasks.map((t) => t.assigneeId));
      const people = Object.values(board.members)
        .filter((m) => ids.has(m.userId))
        .sort((a, b) => a.name.localeCompare(b.name));
      return [
        ...people.map((m) => ({
          id: `user:${m.userId}`,
          title: m.name,
          holds: (t: Task) => t.assigneeId === m.userId,
          changes: { assigneeId: m.userId },
        })),
        {
          id: "user:none",
          title: "Unassigned",
          holds: (t: Task) => t.assigneeId === null,
          changes: { assigneeId: null },
        },
      ];
    }
    case "priority":
      return PRIORITIES.map((p) => ({
        id: `priority:${p}`,
        title: `${p[0]?.toUpperCase()}${p.slice(1)} priority`,
        holds: (t: Task) => t.priority === p,
        changes: { priority: p },
      }));
    case "epic": {
      const epics = rowsOf(board.tasks)
        .filter((t) => t.type === "epic" && t.archivedAt === null)
        .sort((a, b) => a.number - b.number);
      const epicOf = (t: Task) => (t.parentKey && board.tasks[t.parentKey]?.type === "epic" ? t.parentKey : null);
      return [
        ...epics.map((e) => ({
          id: `epic:${e.key}`,
          title: `${e.key} ${e.title}`,
          holds: (t: Task) => epicOf(t) === e.key,
          changes: { parentKey: e.key },
        })),
        {
          id: "epic:none",
          title: "No epic",
          holds: (t: Task) => epicOf(t) === null,
          changes: null,
        },
      ];
    }
    default:
      return [{ id: "all", title: "All", holds: () => true, changes: null }];
  }
}
