import { createContext, useContext } from "react";

/** The CSP nonce of this response: set on the server only (browsers hide nonce values from scripts anyway). */
const NonceContext = createContext<string | undefined>(undefined);

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
