/* Stand-in for the Android NDK's <android/log.h>, for scripts/mobile-check.sh only: `cargo
 * check` compiles SQLCipher's C (which logs through it on Android) but never links it. Declares
 * exactly what the NDK header declares for these calls; a real build uses the NDK's. */
#ifndef STEWARD_STANDIN_ANDROID_LOG_H
#define STEWARD_STANDIN_ANDROID_LOG_H
#include <stdarg.h>
typedef enum android_LogPriority {
  ANDROID_LOG_UNKNOWN = 0,
  ANDROID_LOG_DEFAULT,
  ANDROID_LOG_VERBOSE,
  ANDROID_LOG_DEBUG,
  ANDROID_LOG_INFO,
  ANDROID_LOG_WARN,
  ANDROID_LOG_ERROR,
  ANDROID_LOG_FATAL,
  ANDROID_LOG_SILENT
} android_LogPriority;
int __android_log_write(int prio, const char *tag, const char *text);
int __android_log_print(int prio, const char *tag, const char *fmt, ...);
int __android_log_vprint(int prio, const char *tag, const char *fmt, va_list ap);
#endif
