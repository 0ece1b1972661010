@NullMarked
package dev.meetingbridge.stomp;

import org.jspecify.annotations.NullMarked;
