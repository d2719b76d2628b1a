/**
 * The queue_log events Asterisk writes, and what each data field holds, read from apps/app_queue.c (the
 * `ast_queue_log(...)` calls) and main/logger.c (QUEUESTART, CONFIGRELOAD) of Asterisk's master branch.
 * A line is `epoch|callid|queue|agent|EVENT|data1|…|data5`. Older Asterisk (1.2–1.4) and realtime exports with a
 * single `data` column carry fewer data fields for some events (CONNECT without ringtime, ENTERQUEUE without
 * position, COMPLETE* without origposition): every accessor below tolerates a missing field.
 */
export const QUEUE_LOG_EVENTS = [
  'ENTERQUEUE', // url|callerid|origposition|callername
  'CONNECT', // holdtime|bridged channel uniqueid|ringtime (s)
  'COMPLETEAGENT', // holdtime|calltime|origposition
  'COMPLETECALLER', // holdtime|calltime|origposition
  'ABANDON', // position|origposition|waittime
  'EXITWITHTIMEOUT', // position|origposition|waittime
  'EXITEMPTY', // position|origposition|waittime
  'EXITWITHKEY', // key|position|origposition|waittime
  'WITHDRAW', // position|origposition|waittime|withdraw info
  'RINGNOANSWER', // ringtime (ms)
  'RINGCANCELED', // ringtime (ms)
  'BLINDTRANSFER', // extension|context|holdtime|calltime|origposition
  'ATTENDEDTRANSFER', // BRIDGE|bridge id or APP|app or LINK|chan1|chan2, then holdtime|calltime|origposition
  'ADDMEMBER', // "PAUSED" or empty
  'REMOVEMEMBER', // empty
  'PAUSE', // reason
  'UNPAUSE', // reason
  'PAUSEALL', // reason
  'UNPAUSEALL', // reason
  'PENALTY', // penalty (agent field holds the interface)
  'RINGINUSE', // 0|1 (agent field holds the interface)
  'AGENTLOGIN', // channel
  'AGENTLOGOFF', // channel|logintime (s)
  'AGENTDUMP', // empty (an ABANDON line follows)
  'SYSCOMPAT', // empty: the call was dropped, formats not compatible
  'QUEUESTART', // empty: the queue log started (Asterisk start)
  'CONFIGRELOAD', // empty: logger reload
  'OUTCALL', // status|talktime|params (QueueUpdate)
] as const;

export type QueueLogEventName = (typeof QUEUE_LOG_EVENTS)[number];

const KNOWN: ReadonlySet<string> = new Set(QUEUE_LOG_EVENTS);

export function isKnownEvent(name: string): name is QueueLogEventName {
  return KNOWN.has(name);
}

/** How a queue call (one visit of a caller to one queue) ended. */
export const CALL_OUTCOMES = [
  'COMPLETEAGENT',
  'COMPLETECALLER',
  'BLINDTRANSFER',
  'ATTENDEDTRANSFER',
  'ABANDON',
  'EXITWITHTIMEOUT',
  'EXITEMPTY',
  'EXITWITHKEY',
  'WITHDRAW',
  'SYSCOMPAT',
  /** No end seen: Asterisk restarted (QUEUESTART) or the log ended first. */
  'LOST',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Event and outcome names for people, in English and Spanish. */
export const EVENT_LABELS: Record<'en' | 'es', Record<QueueLogEventName | 'LOST', string>> = {
  en: {
    ENTERQUEUE: 'Entered queue',
    CONNECT: 'Connected',
    COMPLETEAGENT: 'Completed by agent',
    COMPLETECALLER: 'Completed by caller',
    ABANDON: 'Abandoned',
    EXITWITHTIMEOUT: 'Timed out',
    EXITEMPTY: 'Left, queue empty',
    EXITWITHKEY: 'Left with a key',
    WITHDRAW: 'Withdrawn',
    RINGNOANSWER: 'Rang, no answer',
    RINGCANCELED: 'Ring cancelled',
    BLINDTRANSFER: 'Blind transfer',
    ATTENDEDTRANSFER: 'Attended transfer',
    ADDMEMBER: 'Member added',
    REMOVEMEMBER: 'Member removed',
    PAUSE: 'Paused',
    UNPAUSE: 'Unpaused',
    PAUSEALL: 'Paused in all queues',
    UNPAUSEALL: 'Unpaused in all queues',
    PENALTY: 'Penalty changed',
    RINGINUSE: 'Ring-in-use changed',
    AGENTLOGIN: 'Agent logged in',
    AGENTLOGOFF: 'Agent logged off',
    AGENTDUMP: 'Dumped by agent',
    SYSCOMPAT: 'Dropped, incompatible formats',
    QUEUESTART: 'Queue log started',
    CONFIGRELOAD: 'Configuration reloaded',
    OUTCALL: 'Outbound call',
    LOST: 'End not seen',
  },
  es: {
    ENTERQUEUE: 'Entró a la cola',
    CONNECT: 'Conectada',
    COMPLETEAGENT: 'Terminada por el agente',
    COMPLETECALLER: 'Terminada por quien llamó',
    ABANDON: 'Abandonada',
    EXITWITHTIMEOUT: 'Tiempo agotado',
    EXITEMPTY: 'Salió, cola vacía',
    EXITWITHKEY: 'Salió con una tecla',
    WITHDRAW: 'Retirada',
    RINGNOANSWER: 'Timbró sin respuesta',
    RINGCANCELED: 'Timbre cancelado',
    BLINDTRANSFER: 'Transferencia directa',
    ATTENDEDTRANSFER: 'Transferencia asistida',
    ADDMEMBER: 'Miembro agregado',
    REMOVEMEMBER: 'Miembro retirado',
    PAUSE: 'En pausa',
    UNPAUSE: 'Fin de pausa',
    PAUSEALL: 'En pausa en todas las colas',
    UNPAUSEALL: 'Fin de pausa en todas las colas',
    PENALTY: 'Penalización cambiada',
    RINGINUSE: 'Timbre en uso cambiado',
    AGENTLOGIN: 'Agente conectado',
    AGENTLOGOFF: 'Agente desconectado',
    AGENTDUMP: 'Descartada por el agente',
    SYSCOMPAT: 'Cortada, formatos incompatibles',
    QUEUESTART: 'Inicio del registro de colas',
    CONFIGRELOAD: 'Configuración recargada',
    OUTCALL: 'Llamada saliente',
    LOST: 'Fin no visto',
  },
};
