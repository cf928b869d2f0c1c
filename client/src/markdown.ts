import DOMPurify from "dompurify";
import { marked } from "marked";

// Descriptions and comments are markdown anyone on the board may write, so what they
// render to is untrusted HTML: marked turns it into HTML, DOMPurify removes anything
// that could run (script, event handlers, javascript: and data: URLs) before it
// reaches the page.

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  // Links open elsewhere and never hand this page to the target.
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input"] });
}
