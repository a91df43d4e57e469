/** The 409 body for a debit that would leave a negative balance; it is recorded under the key. */
export function insufficientFunds(accountId: string, balance: number, amount: number) {
  const wouldLeave = balance - amount;
  return {
    statusCode: 409,
    error: 'insufficient_funds',
    message: `amount ${amount} would leave account ${accountId} with a balance of ${wouldLeave}`,
    accountId,
    balance,
    wouldLeave,
  };
}
