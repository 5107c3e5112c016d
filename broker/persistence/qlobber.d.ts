/** qlobber ships no types; only what the SQLite persistence uses (the trie aedes' own memory persistence uses). */
declare module 'qlobber/aedes/qlobber-sub.js' {
  export interface TrieSubscription {
    clientId: string;
    topic: string;
    qos: number;
    rh?: number;
    rap?: number;
    nl?: boolean | number;
  }
  export default class QlobberSub {
    constructor(options: { wildcard_one: string; wildcard_some: string; separator: string });
    subscriptionsCount: number;
    add(topic: string, sub: TrieSubscription): void;
    remove(topic: string, sub: { clientId: string; topic: string }): void;
    match(topic: string): TrieSubscription[];
  }
}

declare module 'qlobber' {
  export class QlobberTrue {
    constructor(options: { wildcard_one: string; wildcard_some: string; separator: string });
    add(topic: string): void;
    test(topic: string): boolean;
  }
}
