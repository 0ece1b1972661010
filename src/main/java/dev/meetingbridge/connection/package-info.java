@NullMarked
package dev.meetingbridge.connection;

import org.jspecify.annotations.NullMarked;
