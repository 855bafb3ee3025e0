// Every path no other route claims is a plain 404, rendered by the root error boundary in the product's look.
export async function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
