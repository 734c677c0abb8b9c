/**
 * Pod Security Standards "restricted" settings, as plain Kubernetes objects for specs that embed
 * pod settings (operator CRs) rather than cdk8s-plus workloads.
 */

/** Pod-level security context meeting "restricted" for a fixed non-root user. */
export function restrictedPodSecurityContext(uid: number, gid: number = uid) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context meeting "restricted", with a read-only root filesystem. */
export function restrictedContainerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
