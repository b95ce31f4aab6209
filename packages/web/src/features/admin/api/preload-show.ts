import { useMutation, useQueryClient } from "@tanstack/react-query";
import { adminKeys } from "./admin-keys.ts";
import { adminRequest } from "./admin-request.ts";

export const preloadShow = (showId: string) =>
  adminRequest<{ showId: string; remaining: number }>(`/admin/shows/${encodeURIComponent(showId)}/preload`, {
    method: "POST",
  });

export const usePreloadShow = (options: { onSuccess?: (showId: string) => void } = {}) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: preloadShow,
    onSuccess: async (_result, showId) => {
      await queryClient.invalidateQueries({ queryKey: adminKeys.stats(showId) });
      options.onSuccess?.(showId);
    },
  });
};
