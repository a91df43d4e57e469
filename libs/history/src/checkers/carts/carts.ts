import type { Check } from '../../compose';
import { type History, type Op, outcome, type Pair, pairs } from '../../history';
import {
  append,
  CART_CONSISTENCIES,
  type CartAddRequest,
  type CartConsistency,
  type CartFinalReadRequest,
  type CartReadOk,
  type CartReadRequest,
  type CartReplaceRequest,
  type CartUnavailable,
  type CartWriteOk,
  fields,
  finiteNumber,
  OPERATIONS,
  text,
} from '../../operations';

/**
 * How a cart operation's attempts ended. `failed` are the fails other than Unavailable; an
 * attempt the checks cannot read (`malformed`) is counted apart and skipped.
 */
export interface Outcomes {
  ok: number;
  unavailable: number;
  failed: number;
  indeterminate: number;
  malformed: number;
}

export interface CartAdd {
  cart: string;
  item: string;
  consistency: CartConsistency;
  pair: Pair;
}

export interface CartReplace {
  cart: string;
  items: ReadonlySet<string>;
  pair: Pair;
  /** An ok replace's timestamp (µs, the writer's clock) and writer, as far as its answer says. */
  timestampMicros?: number;
  writer?: string;
}

/** An ok read of a cart, and the items it showed. */
export interface CartView {
  cart: string;
  items: ReadonlySet<string>;
  pair: Pair;
  completion: Op;
}

export interface CartRead extends CartView {
  consistency: CartConsistency;
}

export interface CartFinalRead extends CartView {
  replica: string;
}

/** The carts' history as the cart checkers read it. */
export interface Carts {
  /** Per cart, its adds in invoke order. */
  adds: Map<string, CartAdd[]>;
  /** Per cart, its replaces in invoke order; the carts named here are the replaced carts. */
  replaces: Map<string, CartReplace[]>;
  /** The ok reads, in invoke order. */
  reads: CartRead[];
  /** Per cart, per replica, its ok final reads in invoke order. */
  finalReads: Map<string, Map<string, CartFinalRead[]>>;
  /** Every replica some final read names: the ring. */
  replicas: Set<string>;
  /** The last ok heal. */
  heal?: Pair;
  outcomes: Record<'adds' | 'replaces' | 'reads' | 'finalReads', Outcomes>;
}

const consistencyOf = (value: unknown): CartConsistency | undefined =>
  CART_CONSISTENCIES.find((c) => c === value);

function itemsOf(value: unknown): Set<string> | undefined {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
  return new Set(value);
}

/** The cart an operation is about: the answer's, else the request's. */
const cartOf = (pair: Pair): string | undefined =>
  text(fields<CartWriteOk | CartReadOk>(pair.completion?.value)?.cart) ??
  text(fields<CartAddRequest>(pair.invoke.value)?.cart);

function outcomeOf(pair: Pair): Exclude<keyof Outcomes, 'malformed'> {
  switch (outcome(pair)) {
    case 'ok':
      return 'ok';
    case 'info':
      return 'indeterminate';
    case 'fail': {
      const reason = text(fields<CartUnavailable>(pair.completion!.value)?.reason);
      return reason === 'unavailable' ? 'unavailable' : 'failed';
    }
  }
}

const noOutcomes = (): Outcomes => ({
  ok: 0,
  unavailable: 0,
  failed: 0,
  indeterminate: 0,
  malformed: 0,
});

/** Reads the carts' operations and the last ok heal; the rest of the history is ignored. */
export function readCarts(history: History): Carts {
  const carts: Carts = {
    adds: new Map(),
    replaces: new Map(),
    reads: [],
    finalReads: new Map(),
    replicas: new Set(),
    outcomes: {
      adds: noOutcomes(),
      replaces: noOutcomes(),
      reads: noOutcomes(),
      finalReads: noOutcomes(),
    },
  };
  for (const pair of pairs(history)) {
    const { invoke, completion } = pair;
    if (invoke.f === OPERATIONS.heal) {
      const last = carts.heal?.completion;
      if (completion?.type === 'ok' && (!last || completion.index > last.index)) {
        carts.heal = pair;
      }
      continue;
    }
    /** Counts the attempt under its outcome, or as malformed when it could not be read. */
    const count = <T>(kind: keyof Carts['outcomes'], read: T | undefined): T | undefined => {
      carts.outcomes[kind][read === undefined ? 'malformed' : outcomeOf(pair)]++;
      return read;
    };
    const cart = cartOf(pair);
    switch (invoke.f) {
      case OPERATIONS.cartAdd: {
        const add = count('adds', readAdd(pair, cart));
        if (add) append(carts.adds, add.cart, add);
        break;
      }
      case OPERATIONS.cartReplace: {
        const replace = count('replaces', readReplace(pair, cart));
        if (replace) append(carts.replaces, replace.cart, replace);
        break;
      }
      case OPERATIONS.cartRead: {
        const read = count('reads', readRead(pair, cart));
        if (read) carts.reads.push(read);
        break;
      }
      case OPERATIONS.cartFinalRead: {
        const read = count('finalReads', readFinalRead(pair, cart));
        if (!read) break;
        const byReplica = carts.finalReads.get(read.cart) ?? new Map<string, CartFinalRead[]>();
        carts.finalReads.set(read.cart, byReplica);
        append(byReplica, read.replica, read);
        carts.replicas.add(read.replica);
        break;
      }
    }
  }
  return carts;
}

function readAdd(pair: Pair, cart: string | undefined): CartAdd | undefined {
  const request = fields<CartAddRequest>(pair.invoke.value);
  const item = text(request?.item);
  const consistency = consistencyOf(request?.consistency);
  if (cart === undefined || item === undefined || consistency === undefined) return undefined;
  return { cart, item, consistency, pair };
}

function readReplace(pair: Pair, cart: string | undefined): CartReplace | undefined {
  const items = itemsOf(fields<CartReplaceRequest>(pair.invoke.value)?.items);
  if (cart === undefined || !items) return undefined;
  const answer = fields<CartWriteOk>(isOk(pair) ? pair.completion!.value : undefined);
  const timestampMicros = finiteNumber(answer?.timestampMicros);
  const writer = text(answer?.writer) ?? pair.completion?.node;
  return { cart, items, pair, timestampMicros, writer };
}

/** What an ok read showed; null when the read was not ok, undefined when malformed. */
function viewOf(pair: Pair, cart: string | undefined): CartView | null | undefined {
  const { completion } = pair;
  if (cart === undefined) return undefined;
  if (completion?.type !== 'ok') return null;
  const items = itemsOf(fields<CartReadOk>(completion.value)?.items);
  return items && { cart, items, pair, completion };
}

function readRead(pair: Pair, cart: string | undefined): CartRead | null | undefined {
  const consistency = consistencyOf(fields<CartReadRequest>(pair.invoke.value)?.consistency);
  const view = viewOf(pair, cart);
  return consistency === undefined ? undefined : view && { ...view, consistency };
}

function readFinalRead(pair: Pair, cart: string | undefined): CartFinalRead | null | undefined {
  const replica =
    text(fields<CartFinalReadRequest>(pair.invoke.value)?.replica) ?? pair.completion?.node;
  const view = viewOf(pair, cart);
  return replica === undefined ? undefined : view && { ...view, replica };
}

/** Whether no replace of the cart was ever invoked (its items are only ever added). */
export const isAddOnly = (carts: Carts, cart: string): boolean => !carts.replaces.has(cart);

export const isOk = (pair: Pair): boolean => outcome(pair) === 'ok';

/** Per add-only cart, its ok adds in completion order. */
export function acknowledgedAdds(carts: Carts): Map<string, CartAdd[]> {
  const acknowledged = new Map<string, CartAdd[]>();
  for (const [cart, adds] of carts.adds) {
    if (!isAddOnly(carts, cart)) continue;
    const oks = adds.filter((add) => isOk(add.pair));
    oks.sort((a, b) => a.pair.completion!.index - b.pair.completion!.index);
    acknowledged.set(cart, oks);
  }
  return acknowledged;
}

/** Each replica's last final read of a cart. */
export function lastFinalReads(carts: Carts, cart: string): Map<string, CartFinalRead> {
  const byReplica = carts.finalReads.get(cart) ?? new Map<string, CartFinalRead[]>();
  return new Map([...byReplica].map(([replica, reads]) => [replica, reads.at(-1)!]));
}

export function sameItems(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

/**
 * The check that each read of an add-only cart `viewsOf` a checker's model picks shows only
 * items that some add of the cart which may have happened wrote (not a fail: that certainly did
 * not happen); any other item is a `phantom-item`, one per read.
 */
export function phantomItems<M extends { carts: Carts }>(
  viewsOf: (model: M) => Iterable<CartView>,
): Check<M, 'phantom-item'> {
  return (model, findings) => {
    const { carts } = model;
    const written = new Map<string, Set<string>>();
    const writtenTo = (cart: string): Set<string> => {
      let items = written.get(cart);
      if (!items) {
        const adds = (carts.adds.get(cart) ?? []).filter((add) => outcome(add.pair) !== 'fail');
        items = new Set(adds.map((add) => add.item));
        written.set(cart, items);
      }
      return items;
    };
    for (const view of viewsOf(model)) {
      if (!isAddOnly(carts, view.cart)) continue;
      const items = writtenTo(view.cart);
      if ([...view.items].some((item) => !items.has(item))) {
        findings.add('phantom-item', [view.pair.invoke, view.completion]);
      }
    }
    return { stats: { phantomReads: findings.count('phantom-item') } };
  };
}
