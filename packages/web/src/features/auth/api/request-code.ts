import { useMutation } from "@tanstack/react-query";
import { apiRequest } from "../../../lib/api-client.ts";

/** Asks the API to email a one-time code. It answers 202 for any well-formed address, known or not. */
export const requestCode = ({ email }: { email: string }) =>
  apiRequest<{ sent: boolean }>("/auth/email", { method: "POST", body: { email } });

export const useRequestCode = () => useMutation({ mutationFn: requestCode });
