// Seeds the demo workspace through the public REST API, so the demo shows exactly
// what a program talking to Lanes would get. Running it twice changes nothing.

const TASKS = [
  ["Design the new landing page hero", "story", "high", ["design", "homepage"], 5],
  ["Hero image loads slowly on mobile", "bug", "highest", ["performance", "mobile"], 3],
  ["Write copy for the pricing page", "task", "medium", ["content"], 2],
  ["Set up the analytics dashboard", "task", "medium", ["analytics"], 3],
  ["Checkout button misaligned in Safari", "bug", "high", ["checkout", "safari"], 1],
  ["Migrate blog posts to the new CMS", "story", "medium", ["content", "cms"], 8],
  ["Add dark mode to the docs site", "story", "low", ["docs", "design"], 5],
  ["Newsletter signup form double-submits", "bug", "high", ["forms"], 2],
  ["Accessibility audit of the navigation", "task", "high", ["a11y"], 3],
  ["Compress and lazy-load product images", "task", "medium", ["performance"], 3],
  ["Redesign the footer", "story", "low", ["design"], 2],
  ["404 page has no way back home", "bug", "medium", ["ux"], 1],
  ["Localize the homepage into German", "story", "medium", ["i18n"], 5],
  ["Localize the homepage into Japanese", "story", "medium", ["i18n"], 5],
  ["Cookie banner covers the chat widget", "bug", "medium", ["legal", "mobile"], 1],
  ["Set up visual regression tests", "task", "medium", ["testing"], 5],
  ["Document the component library", "task", "low", ["docs"], 3],
  ["Search returns drafts to visitors", "bug", "highest", ["search", "security"], 2],
  ["Add structured data for products", "task", "medium", ["seo"], 2],
  ["Improve Largest Contentful Paint under 2.5 s", "story", "high", ["performance"], 8],
  ["Customer logos carousel", "story", "low", ["homepage"], 2],
  ["Broken links in the careers page", "bug", "low", ["content"], 1],
  ["Pricing toggle monthly/yearly", "story", "high", ["pricing"], 3],
  ["Contact form spam protection", "task", "high", ["forms", "security"], 2],
  ["Sitemap misses the blog", "bug", "medium", ["seo"], 1],
  ["Status page link in the header", "task", "low", ["homepage"], 1],
  ["Case study template", "story", "medium", ["content", "design"], 5],
  ["Keyboard focus is invisible on buttons", "bug", "high", ["a11y"], 1],
  ["Move fonts to self-hosting", "task", "medium", ["performance", "legal"], 2],
  ["Webinar registration landing page", "story", "medium", ["marketing"], 3],
  ["Trial signup flow A/B test", "story", "high", ["growth"], 5],
  ["Video on the homepage autoplays with sound", "bug", "high", ["homepage"], 1],
  ["Security headers on every page", "task", "high", ["security"], 2],
  ["Changelog page", "story", "low", ["content"], 3],
  ["Responsive tables in the docs", "bug", "medium", ["docs", "mobile"], 2],
  ["Redirect old URLs after the relaunch", "task", "highest", ["seo"], 3],
  ["Team page photos", "task", "lowest", ["content"], 1],
  ["Integrate the new chat widget", "story", "medium", ["support"], 3],
  ["RSS feed for the blog", "task", "low", ["content", "cms"], 1],
  ["Form error messages are not announced", "bug", "high", ["a11y", "forms"], 2],
  ["Preview deployments for content editors", "story", "medium", ["cms"], 5],
  ["Partner directory with filters", "story", "medium", ["marketing"], 8],
  ["Favicon missing on the docs site", "bug", "lowest", ["docs"], 1],
  ["Cache API responses at the edge", "task", "high", ["performance"], 3],
  ["Legal review of the privacy page", "task", "medium", ["legal"], 1],
  ["Launch checklist", "task", "highest", ["launch"], 2],
  ["Social sharing images for posts", "task", "low", ["seo", "content"], 2],
  ["Print stylesheet for the docs", "story", "lowest", ["docs"], 2],
  ["Uptime monitoring for the new site", "task", "medium", ["ops"], 1],
  ["Retire the old marketing site", "epic", "medium", ["launch"], null],
];

export const DEMO_KEY = "WEB";

/** Demo people for local development only: the seed never runs on a deploy. */
export const DEMO_USERS = [
  { name: "Alice Martin", email: "alice@lanes.dev", password: "alice-demo-password", role: "owner" },
  { name: "Bob Okafor", email: "bob@lanes.dev", password: "bob-demo-password", role: "member" },
  { name: "Carol Ruiz", email: "carol@lanes.dev", password: "carol-demo-password", role: "viewer" },
];

/** A signed-in client for one person: their session cookie, sent from the app's own origin. */
async function signIn(baseUrl, person) {
  const post = (path, body) =>
    fetch(`${baseUrl}/api/v1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: baseUrl },
      body: JSON.stringify(body),
    });
  let res = await post("/auth/signup", { email: person.email, name: person.name, password: person.password });
  if (res.status === 409) res = await post("/auth/login", { email: person.email, password: person.password });
  const text = await res.text();
  if (!res.ok) throw new Error(`signing in ${person.email} answered ${res.status}: ${text}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  const { user } = JSON.parse(text);
  const call = async (method, path, body) => {
    const answer = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", origin: baseUrl, cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${reply}`);
    return reply ? JSON.parse(reply) : null;
  };
  return { user, call };
}

export async function seedDemo(baseUrl) {
  const people = [];
  for (const person of DEMO_USERS) people.push(await signIn(baseUrl, person));
  const [owner, member] = people;
  const call = owner.call;

  const { boards } = await call("GET", "/boards");
  if (boards.some((b) => b.key === DEMO_KEY)) return { created: false };

  const { board } = await call("POST", "/boards", { name: "Website Relaunch", key: DEMO_KEY, mode: "kanban" });
  const at = `/boards/${board.id}`;
  await call("POST", `${at}/members`, { email: DEMO_USERS[1].email, role: "member" });
  await call("POST", `${at}/members`, { email: DEMO_USERS[2].email, role: "viewer" });
  await call("POST", `${at}/columns`, {
    name: "Review",
    category: "in_progress",
    afterColumnId: "in_progress",
    wipLimit: 4,
  });
  await call("PATCH", `${at}/columns/in_progress`, { wipLimit: 6, wipMode: "soft" });
  const columns = (await call("GET", `${at}/columns`)).columns;
  const review = columns.find((c) => c.name === "Review").id;

  const keys = [];
  for (const [i, [title, type, priority, labels, storyPoints]] of TASKS.entries()) {
    const { task } = await call("POST", `${at}/tasks`, {
      title,
      type,
      priority,
      labels,
      storyPoints,
      description: `Part of the website relaunch.\n\n- [ ] agree on scope\n- [ ] ship it`,
      ...(i % 3 === 0 ? { assigneeId: owner.user.id } : i % 3 === 1 ? { assigneeId: member.user.id } : {}),
      ...(i % 7 === 3 ? { dueDate: `2026-12-${String(10 + (i % 18)).padStart(2, "0")}` } : {}),
    });
    keys.push(task.key);
  }
  // Done first, then review and in progress: the board looks like a team mid-sprint.
  for (const key of keys.slice(0, 14)) await call("POST", `${at}/tasks/${key}/move`, { columnId: "done" });
  for (const key of keys.slice(14, 18)) await call("POST", `${at}/tasks/${key}/move`, { columnId: review });
  for (const key of keys.slice(18, 24)) await call("POST", `${at}/tasks/${key}/move`, { columnId: "in_progress" });
  await call("POST", `${at}/tasks/${keys[19]}/move`, { columnId: "in_progress", position: "top" });
  await call("PATCH", `${at}/tasks/${keys[1]}`, { title: "Hero image loads slowly on mobile (3G)" });
  await member.call("POST", `${at}/tasks/${keys[1]}/comments`, { body: "Measured 4.8 s LCP on a throttled Moto G4." });
  await call("POST", `${at}/tasks/${keys[17]}/comments`, {
    body: "Drafts are filtered now; needs a second pair of eyes.",
  });
  await call("PATCH", `${at}/tasks/${keys[5]}`, { parentKey: keys[49] });
  await call("PATCH", `${at}/tasks/${keys[35]}`, { parentKey: keys[49] });
  await call("POST", `${at}/tasks/${keys[36]}/archive`);
  return { created: true, boardId: board.id, tasks: keys.length };
}
