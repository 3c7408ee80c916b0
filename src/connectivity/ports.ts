/**
 * Ports as the NetworkPolicy API defines them: a number, a range up to `endPort`, or a name
 * resolved against the DESTINATION pod's container ports (for egress rules too), each with its
 * protocol (TCP when omitted); and ClusterNetworkPolicy `protocols` entries.
 */
import type { NetworkPolicyPort } from '../k8s/types.js';
import type { ClusterNetworkPolicyProtocol } from '../k8s/cnp-types.js';
import type { SnapshotPort } from './types.js';

/** The container port of a pod by name and protocol, as kube-proxy and network plugins resolve it. */
export function resolveNamedPort(ports: readonly SnapshotPort[], name: string, protocol: string): SnapshotPort | undefined {
  return ports.find((p) => p.name === name && p.protocol === protocol);
}

/**
 * Whether a NetworkPolicy rule's `ports` admit `port`/`protocol` towards a destination with
 * `dstPorts` (undefined: the destination is not a pod, so it has no named ports). An absent or
 * empty list admits every port.
 */
export function npPortsAdmit(ports: readonly NetworkPolicyPort[] | undefined, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): boolean {
  if (!ports || ports.length === 0) return true;
  for (const p of ports) if (npPortAdmits(p, port, protocol, dstPorts)) return true;
  return false;
}

function npPortAdmits(p: NetworkPolicyPort, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): boolean {
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined || p.port === null) return true;
  if (typeof p.port === 'number') {
    if (p.endPort !== undefined && p.endPort !== null) return port >= p.port && port <= p.endPort;
    return port === p.port;
  }
  if (!dstPorts) return false;
  return resolveNamedPort(dstPorts, p.port, protocol)?.containerPort === port;
}

/** Whether a ClusterNetworkPolicy rule's `protocols` admit the flow; absent admits everything. */
export function cnpProtocolsAdmit(
  protocols: readonly ClusterNetworkPolicyProtocol[] | undefined,
  port: number,
  protocol: string,
  dstPorts: readonly SnapshotPort[] | undefined,
): boolean {
  if (!protocols) return true;
  for (const p of protocols) {
    const byProto = protocol === 'TCP' ? p.tcp : protocol === 'UDP' ? p.udp : protocol === 'SCTP' ? p.sctp : undefined;
    if (byProto) {
      const d = byProto.destinationPort;
      if (!d) return true;
      if (d.range && port >= d.range.start && port <= d.range.end) return true;
      if (d.number !== undefined && d.number === port) return true;
    }
    if (p.destinationNamedPort && dstPorts) {
      const named = dstPorts.find((c) => c.name === p.destinationNamedPort);
      if (named && named.protocol === protocol && named.containerPort === port) return true;
    }
  }
  return false;
}
