package dev.meetingbridge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the meeting bridge: REST and STOMP in front of Redis. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MeetingBridgeApplication {

	public static void main(String[] args) {
		SpringApplication.run(MeetingBridgeApplication.class, args);
	}

}
