import { createSignal, type JSX, Show } from "solid-js";
import { addDays, checkRange, dayIn, weekOf } from "../../../src/reporting/calendar";
import { type Loaded, type ReportSlot, reportsStore, viewerTimeZone } from "../stores/reports";
import { boardPath, navigate, route, setQuery } from "../stores/route";
import { Loading } from "./common";

// What every report shares: its heading with the CSV download, the loading, error
// and empty states, a date range kept in the URL, and the table of figures that is
// each chart's text alternative.

export function ReportHead(props: {
  title: string;
  slot: ReportSlot;
  download: (() => void) | null;
  children?: JSX.Element;
}) {
  return (
    <div class="report-head">
      <h1 id="report-title">{props.title}</h1>
      <div class="report-controls">{props.children}</div>
      <Show when={props.download}>
        {(download) => (
          <button type="button" onClick={() => download()()} disabled={reportsStore.downloading === props.slot}>
            {reportsStore.downloading === props.slot ? "Preparing CSV…" : "Download CSV"}
          </button>
        )}
      </Show>
    </div>
  );
}

/** A report's answer once it is there; meanwhile what is happening, or what went wrong and a way to try again. */
export function ReportBody<T>(props: {
  loaded: Loaded<T>;
  what: string;
  retry: () => void;
  children: (data: T) => JSX.Element;
}) {
  return (
    <Show
      when={props.loaded.data}
      keyed={false}
      fallback={
        <Show when={props.loaded.error} fallback={<Loading what={props.what} />}>
          <div class="report-error" role="alert">
            <p>
              The {props.what} could not be loaded: {props.loaded.error}
            </p>
            <button type="button" onClick={() => props.retry()}>
              Try again
            </button>
          </div>
        </Show>
      }
    >
      {(data) => props.children(data())}
    </Show>
  );
}

/** A table that scrolls sideways on a narrow screen, not the page; reachable by keyboard to scroll it. */
export function ScrollTable(props: { caption: string; class?: string; children: JSX.Element }) {
  return (
    <section class="table-scroll" tabindex="0" aria-label={props.caption}>
      <table class={`data ${props.class ?? ""}`}>
        <caption>{props.caption}</caption>
        {props.children}
      </table>
    </section>
  );
}

export function Empty(props: { children: JSX.Element }) {
  return <p class="report-empty">{props.children}</p>;
}

export function today(): string {
  return dayIn(viewerTimeZone, new Date().toISOString());
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The range a report covers: `from` and `to` from the URL (so a range can be linked
 * to), else the default; `problem` says what is wrong with a range typed in.
 */
export function useRange(defaults: "last30" | "week") {
  const fallback = () => {
    const to = today();
    if (defaults === "week") {
      const monday = weekOf(to);
      return { from: monday, to: addDays(monday, 6) };
    }
    return { from: addDays(to, -29), to };
  };
  const from = () => (ISO_DATE.test(route.query.from ?? "") ? (route.query.from as string) : fallback().from);
  const to = () => (ISO_DATE.test(route.query.to ?? "") ? (route.query.to as string) : fallback().to);
  const problem = () => checkRange(from(), to())?.message ?? null;
  return { from, to, problem };
}

export function DateRange(props: { range: ReturnType<typeof useRange> }) {
  return (
    <>
      <label class="inline">
        From
        <input
          type="date"
          value={props.range.from()}
          onChange={(e) => setQuery({ from: e.currentTarget.value || null }, { replace: true })}
        />
      </label>
      <label class="inline">
        To
        <input
          type="date"
          value={props.range.to()}
          onChange={(e) => setQuery({ to: e.currentTarget.value || null }, { replace: true })}
        />
      </label>
    </>
  );
}

/**
 * A chart's figures as a table: always there for screen readers (the canvas is
 * hidden from them), shown to everyone on request.
 */
export function Figures(props: { caption: string; children: JSX.Element }) {
  const [shown, setShown] = createSignal(false);
  const id = `figures-${Math.random().toString(36).slice(2)}`;
  return (
    <div class="figures">
      <button type="button" class="link" aria-expanded={shown()} aria-controls={id} onClick={() => setShown(!shown())}>
        {shown() ? "Hide the figures" : "Show the figures as a table"}
      </button>
      <section
        id={id}
        class={shown() ? "table-scroll" : "sr-only"}
        tabindex={shown() ? 0 : undefined}
        aria-label={props.caption}
      >
        <table class="data">
          <caption>{props.caption}</caption>
          {props.children}
        </table>
      </section>
    </div>
  );
}

/** A task key that opens the task on its board. */
export function TaskLink(props: { boardKey: string; taskKey: string }) {
  const href = () => boardPath(props.boardKey, props.taskKey);
  return (
    <a
      class="key"
      href={href()}
      onClick={(e) => {
        e.preventDefault();
        navigate(href());
      }}
    >
      {props.taskKey}
    </a>
  );
}

/** Hours and minutes, as a timesheet reads: 6h 30m (never days, whatever a board's working day). */
export function hours(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** Time as it passed on the clock, days of 24 hours: a cycle time of 27 hours reads 1d 3h. */
export function elapsed(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d > 0 ? `${d}d` : "", h > 0 ? `${h}h` : "", m > 0 && d === 0 ? `${m}m` : ""].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : "0m";
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
/** A calendar day as people read it: Thu, 5 Mar. */
export function shortDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return dayFormat.format(new Date(y, m - 1, d));
}

export function figure(n: number): string {
  return String(Math.round(n * 100) / 100);
}
