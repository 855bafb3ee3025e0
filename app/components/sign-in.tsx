import { Form, Link, useNavigation } from "@remix-run/react";
import type { PracticeHome } from "~/use-cases/get-practice-home.server";

export function SignInForm({ email, error, action, next }: { email?: string; error?: string; action?: string; next?: string }) {
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card sign-in" aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading">Sign in</h2>
      <Form method="post" action={action} className="stack" noValidate>
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <label htmlFor="email">Enter the email address the practice has on file for you.</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          required
          maxLength={254}
          defaultValue={email}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "email-error" : "email-hint"}
        />
        {error ? (
          <p id="email-error" className="field-error" role="alert">
            {error}
          </p>
        ) : (
          <p id="email-hint" className="muted">
            We will email you a link that signs you in. No password needed.
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Sending…" : "Email me a sign-in link"}
        </button>
      </Form>
    </section>
  );
}

/** Email (or username) and password; the server's answer is the same for every kind of mismatch. */
export function PasswordSignInForm({ login, error, next }: { login?: string; error?: string; next?: string }) {
  const busy = useNavigation().state === "submitting";
  return (
    <section className="card sign-in" aria-labelledby="password-heading">
      <h2 id="password-heading">Sign in with your password</h2>
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="password" />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <label htmlFor="login">Email or username</label>
        <input id="login" name="login" autoComplete="username" required maxLength={254} defaultValue={login} />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required maxLength={200} />
        <button type="submit" className="button" disabled={busy}>
          Sign in
        </button>
        <p>
          <Link to="/account/forgot">Forgot your password?</Link>
        </p>
      </Form>
    </section>
  );
}

export function SignInLinkSent({ email, home }: { email: string; home: PracticeHome }) {
  const contact = [home.contact.phone, home.contact.email].filter(Boolean).join(" or ");
  return (
    <section className="card sign-in" aria-labelledby="sent-heading" role="status">
      <h2 id="sent-heading">Check your email</h2>
      <p>
        If <strong>{email}</strong> is on file at {home.name}, a sign-in link is on its way. It expires in one hour and works once.
      </p>
      <p className="muted">
        Nothing after a few minutes? Check your spam folder{contact ? `, or contact ${home.name} at ${contact}` : ""} to make sure they have your
        current email address.
      </p>
    </section>
  );
}
