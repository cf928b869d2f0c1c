import { createEffect, createSignal, onCleanup, onMount } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

// One uPlot chart: drawn with the page's own colours (CSS variables, so dark mode
// is the stylesheet's), drawn again when the operating system switches between
// light and dark, and resized with its container. The canvas is hidden from
// assistive technology: every report puts its figures beside it as text.

export interface ChartTheme {
  scheme: "light" | "dark";
  text: string;
  muted: string;
  grid: string;
  surface: string;
  ideal: string;
  remaining: string;
  scope: string;
  completed: string;
  nonWorking: string;
  /** Distinct colours for a chart's categories, in order. */
  palette: string[];
  /** `colour` lightened (or darkened, in dark mode) towards the page: area and bar fills. */
  tint: (colour: string, amount?: number) => string;
}

export interface ChartSpec {
  options: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  /** What the point at this index is, for the tooltip under the pointer (null: no tooltip). */
  tooltip?: (idx: number) => string | null;
}

const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");

function readTheme(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  const surface = v("--surface");
  return {
    scheme: darkScheme.matches ? "dark" : "light",
    text: v("--text"),
    muted: v("--muted"),
    grid: v("--chart-grid"),
    surface,
    ideal: v("--chart-ideal"),
    remaining: v("--chart-remaining"),
    scope: v("--chart-scope"),
    completed: v("--chart-completed"),
    nonWorking: v("--chart-non-working"),
    palette: [1, 2, 3, 4, 5, 6].map((i) => v(`--chart-${i}`)),
    tint: (colour, amount = 0.55) => mix(colour, surface, amount),
  };
}

/** `a` moved `t` of the way towards `b` (both #rrggbb). */
function mix(a: string, b: string, t: number): string {
  const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) || 0);
  const [x, y] = [rgb(a), rgb(b)];
  return `#${x
    .map((c, i) =>
      Math.round(c + ((y[i] ?? 0) - c) * t)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** Axes in the page's colours; the rest of a chart's options come from each report. */
export function axis(theme: ChartTheme, extra: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: theme.muted,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    font: "12px system-ui, sans-serif",
    ...extra,
  };
}

const DAY = 86_400;
const dayLabel = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });

/** A time axis whose ticks fall on whole days (reports count days, not hours), labelled as people write dates. */
export function dayAxis(theme: ChartTheme, extra: uPlot.Axis = {}): uPlot.Axis {
  return axis(theme, {
    incrs: [DAY, 2 * DAY, 3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY, 91 * DAY, 182 * DAY, 365 * DAY],
    values: (_u, splits) => splits.map((v) => dayLabel.format(new Date(v * 1000))),
    space: 56,
    ...extra,
  });
}

export function Chart(props: { spec: (theme: ChartTheme) => ChartSpec; name: string; height?: number }) {
  let box!: HTMLDivElement;
  let plot: uPlot | null = null;
  const [scheme, setScheme] = createSignal(darkScheme.matches);
  const onScheme = () => setScheme(darkScheme.matches);
  darkScheme.addEventListener("change", onScheme);
  onCleanup(() => darkScheme.removeEventListener("change", onScheme));

  const height = () => props.height ?? (window.innerWidth < 600 ? 240 : 320);
  const width = () => Math.max(box.clientWidth, 200);

  onMount(() => {
    createEffect(() => {
      scheme();
      const spec = props.spec(readTheme());
      plot?.destroy();
      const tip = document.createElement("div");
      tip.className = "chart-tip";
      tip.hidden = true;
      const showTip = (u: uPlot) => {
        const idx = u.cursor.idx;
        const text = idx === null || idx === undefined ? null : (spec.tooltip?.(idx) ?? null);
        tip.hidden = text === null;
        if (text === null || idx === null || idx === undefined) return;
        tip.textContent = text;
        const x = u.valToPos(u.data[0][idx] as number, "x");
        const flip = x > u.over.clientWidth / 2;
        tip.style.left = flip ? "" : `${x + 10}px`;
        tip.style.right = flip ? `${u.over.clientWidth - x + 10}px` : "";
        tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 10)}px`;
      };
      const hooks = spec.options.hooks ?? {};
      plot = new uPlot(
        {
          ...spec.options,
          width: width(),
          height: height(),
          hooks: {
            ...hooks,
            ready: [...(hooks.ready ?? []), (u) => u.over.append(tip)],
            setCursor: [...(hooks.setCursor ?? []), showTip],
          },
        },
        spec.data,
        box,
      );
      box.dataset.scheme = scheme() ? "dark" : "light";
    });
    let lastWidth = box.clientWidth;
    const observer = new ResizeObserver(() => {
      if (box.clientWidth === lastWidth) return;
      lastWidth = box.clientWidth;
      plot?.setSize({ width: width(), height: height() });
    });
    observer.observe(box);
    onCleanup(() => {
      observer.disconnect();
      plot?.destroy();
      plot = null;
    });
  });

  return <div class="chart" ref={box} aria-hidden="true" data-chart={props.name} />;
}
