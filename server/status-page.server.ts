/**
 * Pages answered before Remix runs (unknown host, suspended practice, an error in the server itself). Same look as
 * the product, no script, no inline style, so they satisfy the same Content-Security-Policy.
 */
export type StatusPage = { status: number; title: string; message: string; hint?: string; contact?: PracticeContact };

/** How to reach a practice whose portal cannot answer, as the registry knows it. */
export type PracticeContact = { name: string; contactPhone: string | null; contactEmail: string | null };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

export function renderStatusPage(page: StatusPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(page.title)} · Portico</title>
<link rel="stylesheet" href="/css/portico.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<main class="status-page" id="main">
<p class="status-page__code">${page.status}</p>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
${page.hint ? `<p class="muted">${escapeHtml(page.hint)}</p>` : ""}
${page.contact ? contactList(page.contact) : ""}
</main>
</body>
</html>`;
}

function contactList(contact: PracticeContact): string {
  const items = [
    contact.contactPhone ? `<li>Phone: <a href="tel:${escapeHtml(contact.contactPhone.replace(/[^\d+]/g, ""))}">${escapeHtml(contact.contactPhone)}</a></li>` : "",
    contact.contactEmail ? `<li>Email: <a href="mailto:${escapeHtml(contact.contactEmail)}">${escapeHtml(contact.contactEmail)}</a></li>` : "",
  ].join("");
  return items ? `<ul class="status-page__contact">${items}</ul>` : "";
}

export const NO_PRACTICE_PAGE: StatusPage = {
  status: 404,
  title: "No practice at this address",
  message: "No practice lives at this address. Check the link your practice gave you, or ask them for their portal address.",
};

export function suspendedPracticePage(practice: PracticeContact): StatusPage {
  return {
    status: 503,
    title: "Temporarily unavailable",
    message: `The online portal of ${practice.name} is temporarily unavailable.`,
    hint: "Please contact the practice directly by phone or email in the meantime.",
    contact: practice,
  };
}

/** The practice's own database cannot serve right now (down, or waiting for a migration); other practices are fine. */
export function practiceUnavailablePage(practice: PracticeContact): StatusPage {
  return {
    status: 503,
    title: "Temporarily unavailable",
    message: `The online portal of ${practice.name} is temporarily unavailable. Please try again in a few minutes.`,
    hint: "If it is urgent, contact the practice directly.",
    contact: practice,
  };
}

export const SERVER_ERROR_PAGE: StatusPage = {
  status: 500,
  title: "Something went wrong",
  message: "We could not complete this request. Please try again in a moment.",
};
