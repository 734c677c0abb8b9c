export async function runCheck(_o: unknown): Promise<number> { return 1; }
