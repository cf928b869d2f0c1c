import { createResource } from "solid-js";

// The markdown renderer (marked + DOMPurify) loads when the first task is opened: the
// board, what most people open first, does not wait for it.
const renderer = () => import("../markdown");

/** Markdown anyone on the board wrote, rendered and sanitized (see markdown.ts): nothing in it can run. */
export function Markdown(props: { text: string }) {
  const [loaded] = createResource(renderer);
  return <div class="markdown" innerHTML={loaded()?.renderMarkdown(props.text) ?? ""} />;
}
