import { spawn } from "node:child_process";

/**
 * Watch mode: `remix watch` rebuilds the app on change (the development server re-imports the new build on the next
 * request) and `tsx watch` restarts the server when server-side code changes. Refresh the browser to see a change.
 */
const children = [
  spawn("npx", ["remix", "watch"], { stdio: "inherit" }),
  spawn("npx", ["tsx", "watch", "--clear-screen=false", "--include", "server/**", "--include", "tenants/**", "--include", "db/**", "server/main.ts"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "development" },
  }),
];

const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) child.on("exit", (code) => code && code !== 0 && stop());
