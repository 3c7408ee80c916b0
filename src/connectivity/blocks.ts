/**
 * Address blocks: NetworkPolicy ipBlocks (cidr minus except) and ClusterNetworkPolicy networks,
 * matched against pod IPs and against external addresses or ranges. Parsing and containment are
 * netpol/cidr.ts's, the same the org rules use.
 */
import { type ParsedRange, rangeContains, rangesOverlap, toRange } from '../netpol/cidr.js';

export interface Block {
  /** Index in the model's block table: the bit of a pod class's address signature. */
  readonly id: number;
  /** `10.0.0.0/8 except 10.1.0.0/16`, for reasons. */
  readonly text: string;
  /** Undefined when the CIDR does not parse: such a block matches nothing. */
  readonly cidr: ParsedRange | undefined;
  readonly except: readonly ParsedRange[];
}

/** Collects the distinct blocks of every policy, so equal blocks share one signature bit. */
export class BlockTable {
  private readonly byText = new Map<string, Block>();
  readonly blocks: Block[] = [];

  /** A table holding these blocks with their ids, to which more can be added (derive.ts). */
  static from(blocks: readonly Block[]): BlockTable {
    const table = new BlockTable();
    for (const b of blocks) {
      table.byText.set(b.text, b);
      table.blocks.push(b);
    }
    return table;
  }

  intern(cidr: string, except: readonly string[] = []): Block {
    const text = except.length > 0 ? `${cidr} except ${except.join(', ')}` : cidr;
    let b = this.byText.get(text);
    if (!b) {
      b = Object.freeze({
        id: this.blocks.length,
        text,
        cidr: toRange(cidr),
        except: except.map((e) => toRange(e)).filter((r): r is ParsedRange => r !== undefined),
      });
      this.byText.set(text, b);
      this.blocks.push(b);
    }
    return b;
  }
}

/** A single address as a one-address range (`10.0.0.1` → 10.0.0.1/32); undefined if it does not parse. */
export function addressRange(address: string): ParsedRange | undefined {
  if (address.includes('/')) return toRange(address);
  return toRange(`${address}/${address.includes(':') ? 128 : 32}`);
}

/**
 * Whether a block admits a range: the whole range inside `cidr` and touching no `except`. For a
 * single address that is plain membership; for a wider external range (`cidr:203.0.113.0/24`) a
 * block that covers only part of it does not match, since not every address would be admitted.
 */
export function blockAdmits(block: Block, range: ParsedRange): boolean {
  if (!block.cidr || !rangeContains(block.cidr, range)) return false;
  for (const e of block.except) if (rangesOverlap(e, range)) return false;
  return true;
}

/** Whether a block admits any of a pod's addresses (a pod without IPs is admitted by none). */
export function blockAdmitsAny(block: Block, addresses: readonly ParsedRange[]): boolean {
  for (const a of addresses) if (blockAdmits(block, a)) return true;
  return false;
}
