@NullMarked
package dev.meetingbridge.presence;

import org.jspecify.annotations.NullMarked;
