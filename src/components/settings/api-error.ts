/** The message of our JSON error shape (`{ error: { message, issues? } }`), for forms to show. */
export async function apiErrorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as {
      error?: { message?: string; issues?: Array<{ message: string }> };
    };
    const issues = body.error?.issues?.map((issue) => issue.message) ?? [];
    return [body.error?.message ?? `The request failed (${response.status})`, ...issues].join(" · ");
  } catch {
    return `The request failed (${response.status})`;
  }
}
