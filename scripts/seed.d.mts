// Types for seed.mjs, which dev.mjs runs as plain JavaScript and the browser tests import.
export declare const DEMO_KEY: string;
export declare const DEMO_USERS: {
  name: string;
  email: string;
  password: string;
  role: "owner" | "member" | "viewer";
}[];
export declare function seedDemo(
  baseUrl: string,
): Promise<{ created: false } | { created: true; boardId: string; tasks: number }>;
